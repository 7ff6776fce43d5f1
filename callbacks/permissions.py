"""Rows of the role × action table for 回访 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
