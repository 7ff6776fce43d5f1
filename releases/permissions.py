"""Rows of the role × action table for 物品放行 (see core.permissions.declare)."""

from core.choices import Role as R
from core.permissions import CS_DESK, declare

declare(
    {
        # Who sees the release slips: the desk, the leads, finance (fees), and security at the exit.
        "releases.view": {R.MANAGER, R.FINANCE, R.SEC_SUPERVISOR, R.GUARD} | CS_DESK,
        # R-REL-02/04: the owner applies at CS; CS phones the owner; CS files the slip (R-REL-11).
        "releases.apply": {R.MANAGER} | CS_DESK,
        # R-REL-01: the slip is signed (issued) by CS staff.
        "releases.issue": {R.MANAGER, R.CS_SUPERVISOR, R.CS_ADMIN, R.FRONT_DESK},
        # R-REL-09: a move-out release needs the service centre's approval.
        "releases.approve": {R.MANAGER, R.CS_SUPERVISOR},
        # R-REL-09 / R-MOVE-09: fees settled, confirmed by finance (no fees area yet).
        "releases.fees": {R.MANAGER, R.CS_SUPERVISOR, R.FINANCE},
        # R-REL-10/11: the on-duty post at the single exit compares the goods with the slip.
        "releases.exit": {R.GUARD, R.SEC_SUPERVISOR},
    }
)
