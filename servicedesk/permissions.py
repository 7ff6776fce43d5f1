"""Rows of the role × action table for 服务请求 (see core.permissions.declare)."""

from core.permissions import declare

declare({})
