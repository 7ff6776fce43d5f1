"""Rows of the role × action table for 访客登记 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
