from django.core.management.base import BaseCommand

from needs.reference import reference_load


class Command(BaseCommand):
    help = "Load the taxonomy, Jiangsu divisions, high-tech zones and industries (idempotent)."

    def handle(self, *args, **options) -> None:
        counts = reference_load()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
