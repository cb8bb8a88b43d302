from django.core.management.base import BaseCommand

from portal.catalogs import catalogs_compile


class Command(BaseCommand):
    help = "Compile every .po catalog under locale/ to .mo (no GNU gettext needed)."

    def handle(self, *args, **options) -> None:
        for name, count in catalogs_compile().items():
            self.stdout.write(f"{name}: {count} translated")
