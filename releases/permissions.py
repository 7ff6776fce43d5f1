"""Rows of the role × action table for 物品放行 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
