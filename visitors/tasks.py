from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def overstay_check_task():
    """R-VIS-03: every five minutes, visitors past their registered time are flagged to the desk (once)."""
    from .services import overstay_check

    return overstay_check()
