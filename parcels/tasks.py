from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="5"))
def parcels_chase_task():
    """Hourly (idempotent): R-EXP-13 next-day chase of undelivered items, R-SLIP-10 72-hour follow-ups."""
    from .services import parcels_chase, slips_followup_remind

    return {"chased": parcels_chase(), "followups": slips_followup_remind()}
