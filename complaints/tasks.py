from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/10"))
def complaints_same_day_reply_task():
    """R-CMP-24: replies entered anywhere stop the same-day clock; after midnight the day's complaints
    without a reply are flagged to the 客服主管 (idempotent)."""
    from .services import complaints_check_same_day_replies

    return complaints_check_same_day_replies()


@db_periodic_task(crontab(minute="7"))
def complaints_month_escalation_task():
    """R-CMP-10 (3): hourly, valid complaints unresolved a month after intake go up (once each)."""
    from .services import complaints_escalate_unresolved

    return complaints_escalate_unresolved()
