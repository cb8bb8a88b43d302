from django.core.management.base import BaseCommand

from partners.services import partners_seed


class Command(BaseCommand):
    help = "Seed the Hong Kong partner directory from fixtures/hk_partners.csv (idempotent)."

    def handle(self, *args, **options) -> None:
        counts = partners_seed()
        self.stdout.write(f"partners: {counts['created']} created, {counts['updated']} updated")
