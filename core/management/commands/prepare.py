"""`propdesk prepare` — what `make run` does before serving, in one start-up: migrate the database,
collect static files, load the demo data the first time only."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, collect static files and load the demo data once."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo office")

    def handle(self, *args, no_demo=False, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            call_command("demo", if_empty=True)
