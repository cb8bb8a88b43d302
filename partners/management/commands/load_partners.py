from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Seed the Hong Kong partner directory from fixtures/ (idempotent)."

    def handle(self, *args, **options) -> None:
        self.stdout.write("partners: nothing to load yet")
