"""Time the matching engine on synthetic data (interface only; see matching.benchmark)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from matching.benchmark import run_benchmark


class Command(BaseCommand):
    # Offline tool on files or synthetic data: it needs neither URLs nor the database.
    requires_system_checks: list[str] = []
    help = "Time a full rescore, one need against all partners and one partner against all needs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--needs", type=int, default=10_000)
        parser.add_argument("--partners", type=int, default=5_000)
        parser.add_argument("--samples", type=int, default=50, help="single-document timings to take")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="worker processes for the full rescore (default: settings.MATCHING_PROCESSES, as the task)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        result = run_benchmark(
            n_needs=options["needs"],
            n_partners=options["partners"],
            samples=options["samples"],
            seed=options["seed"],
            processes=max(1, options["processes"] or settings.MATCHING_PROCESSES),
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        self.stdout.write(f"{result.needs} needs × {result.partners} partners")
        self.stdout.write(
            f"full rescore:              {result.full_s:.2f} s (CPU {result.full_cpu_s:.2f} s, "
            f"{result.processes} process{'es' if result.processes > 1 else ''})"
        )
        self.stdout.write(
            f"one need vs all partners:  median {result.one_need_ms_median:.1f} ms, p95 {result.one_need_ms_p95:.1f} ms"
        )
        self.stdout.write(f"one partner vs all needs:  median {result.one_partner_ms_median:.1f} ms")
        self.stdout.write(
            f"peak memory:               {result.peak_mb:.0f} MB "
            f"(parent {result.peak_parent_mb:.0f} MB + {result.processes} × worker {result.peak_child_mb:.0f} MB)"
        )
