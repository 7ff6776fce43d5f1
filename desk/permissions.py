"""Rows of the role × action table for the front desk's screen (see core.permissions.declare)."""

from core.choices import Role
from core.permissions import CS_DESK, declare

declare({"desk.view": CS_DESK | {Role.MANAGER}})
