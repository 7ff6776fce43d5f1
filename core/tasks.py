from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def deliver_outbox(message_id: int):
    from .notify import deliver

    return deliver(message_id)


@db_periodic_task(crontab(minute="*"))
def check_deadlines_task():
    """Every minute: due/overdue clocks → notifications, exactly once (see core.deadlines)."""
    from .deadlines import check_deadlines

    return check_deadlines()
