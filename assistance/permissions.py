"""Rows of the role × action table for 求助 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
