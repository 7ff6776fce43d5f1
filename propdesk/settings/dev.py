import os

os.environ.setdefault("PROPDESK_DEBUG", "1")

from .base import *  # noqa: E402,F403
