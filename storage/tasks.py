from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17"))
def chase_held_items_task():
    """Hourly: items left past their collection time remind the desk (R-HOLD-13); idempotent."""
    from .services import holding_chase_overdue

    return holding_chase_overdue()
