from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(month="1", hour="2", minute="20"))
def help_register_archive_task():
    """Every day in January (idempotent): archive last year's 《住户求助登记表》 of every property (R-HELP-17)."""
    from .services import help_register_archive_due

    return help_register_archive_due()
