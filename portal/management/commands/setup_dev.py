from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, compile catalogs, load reference, directory and demo data (development)."

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=1)
        call_command("compile_catalogs")
        call_command("load_reference")
        call_command("load_partners")
        if settings.DEBUG:
            call_command("load_demo")
