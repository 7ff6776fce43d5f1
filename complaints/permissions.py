"""Rows of the role × action table for 投诉 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
