"""Rows of the role × action table for 报修 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
