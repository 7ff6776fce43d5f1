"""Rows of the role × action table for 寄存·暂存·失物 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
