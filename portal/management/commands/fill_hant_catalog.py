from pathlib import Path

import opencc
import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """Our msgids are Simplified Chinese; the Traditional catalog is their
    OpenCC s2hk conversion (Hong Kong variant) unless a translator wrote one."""

    help = "Fill empty zh_Hant msgstr entries by converting the msgid with OpenCC (s2hk)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--overwrite", action="store_true", help="Also replace existing entries.")

    def handle(self, *args, overwrite: bool = False, **options) -> None:
        converter = opencc.OpenCC("s2hk")
        for po_path in sorted(Path(settings.BASE_DIR, "locale", "zh_Hant").glob("LC_MESSAGES/*.po")):
            catalog = polib.pofile(str(po_path))
            filled = 0
            for entry in catalog:
                if entry.obsolete:
                    continue
                if entry.msgid_plural:
                    if overwrite or not any(entry.msgstr_plural.values()):
                        entry.msgstr_plural = {0: converter.convert(entry.msgid_plural)}
                        filled += 1
                elif overwrite or not entry.msgstr:
                    entry.msgstr = converter.convert(entry.msgid)
                    filled += 1
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            catalog.save()
            self.stdout.write(f"{po_path.relative_to(settings.BASE_DIR)}: {filled} filled")
