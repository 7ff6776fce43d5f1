"""`propdesk <command>` — the same as `python manage.py <command>` (e.g. `propdesk demo`)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propdesk.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["propdesk", *sys.argv[1:]])


if __name__ == "__main__":
    main()
