from django.core.management.base import BaseCommand, CommandError

from portal.catalogs import LOCALES, catalog_problems, catalogs_check, catalogs_update


class Command(BaseCommand):
    help = (
        "Extract translatable strings into locale/zh_Hant and locale/en, fill zh_Hant with OpenCC, "
        "compile. With --check, change nothing and fail if the catalogs are stale or incomplete."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Report problems and exit 1; write nothing.")

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            problems = catalogs_check()
            if problems:
                raise CommandError(
                    "Translation catalogs need work (run `manage.py update_catalogs`, then translate "
                    "locale/en):\n  " + "\n  ".join(problems)
                )
            self.stdout.write("catalogs: up to date and complete")
            return
        for name, count in catalogs_update().items():
            self.stdout.write(f"{name}: {count} translated")
        for locale in LOCALES:
            for problem in catalog_problems(locale):
                self.stdout.write(self.style.WARNING(problem))
