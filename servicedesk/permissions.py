"""Rows of the role × action table shared by every request kind (see core.permissions.declare)."""

from core.choices import Role
from core.permissions import CS_DESK, EVERYONE, LEADS, declare

R = Role
ENGINEERING = {R.ENG_SUPERVISOR, R.ENGINEER}
SECURITY = {R.SEC_SUPERVISOR, R.GUARD}

declare(
    {
        "request.view": EVERYONE,  # every department follows the requests it works on
        "request.create": CS_DESK | {R.MANAGER} | ENGINEERING | SECURITY,  # R-REP-17: anyone reports a fault
        "request.note": CS_DESK | {R.MANAGER} | ENGINEERING | SECURITY,
        "request.assign": LEADS | {R.CS_ADMIN, R.FRONT_DESK},
        "request.supervise": LEADS,  # overdue lists, escalations, reopen
        "request.export": LEADS | {R.CS_ADMIN},
    }
)
