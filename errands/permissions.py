"""Rows of the role × action table for 代办服务 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
