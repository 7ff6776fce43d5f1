"""Rows of the role × action table for 信件与快件 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
