from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="17", minute="0"))
def flag_unreturned_orders_task():
    """R-REP-23: at 17:00, a property whose day's first copies are not back is flagged (once a day)."""
    from .services import repairs_flag_unreturned

    return repairs_flag_unreturned()


@db_periodic_task(crontab(minute="*"))
def repair_reminders_task():
    """R-REP-13: engineering reminded before the agreed time; the paused clock resumes at that time."""
    from .services import repairs_due_actions

    return repairs_due_actions()
