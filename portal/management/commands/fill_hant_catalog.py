from django.core.management.base import BaseCommand

from portal.catalogs import catalog_fill_hant


class Command(BaseCommand):
    help = "Fill empty and fuzzy zh_Hant entries by converting the msgid with OpenCC (s2hk)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--overwrite", action="store_true", help="Also replace existing entries.")

    def handle(self, *args, overwrite: bool = False, **options) -> None:
        self.stdout.write(f"zh_Hant: {catalog_fill_hant(overwrite=overwrite)} filled")
