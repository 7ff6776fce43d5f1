from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def chase_callbacks_task():
    """R-CB-18: chase the 《回访记录表》 not returned 3 days after issue (idempotent)."""
    from .services import chase_overdue_callbacks

    return chase_overdue_callbacks()
