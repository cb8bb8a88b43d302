"""Time the matching engine on synthetic data and one need as its task runs it on the
configured database (interface only; see matching.benchmark and matching.task_benchmark)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from matching.benchmark import run_benchmark
from matching.task_benchmark import one_need_task_timings


class Command(BaseCommand):
    # The engine part is offline (synthetic data); the task part reads and writes the
    # configured database inside a transaction that is rolled back.
    requires_system_checks: list[str] = []
    help = (
        "Time a full rescore, one need against all partners and one partner against all needs "
        "(synthetic), and one need as the task runs it (configured database)."
    )

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
        parser.add_argument(
            "--task-samples",
            type=int,
            default=20,
            help="needs of the configured database to score as the task does (0: skip)",
        )
        parser.add_argument("--task-only", action="store_true", help="skip the synthetic engine timings")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        task = one_need_task_timings(samples=options["task_samples"], seed=options["seed"])
        task_figures = {
            "one_need_task_ms_median": round(task.median_ms, 3) if task else None,
            "one_need_task_first_ms": round(task.first_ms, 3) if task else None,
            "one_need_task_samples": len(task.warm_ms) if task else 0,
        }
        if options["task_only"]:
            if options["json"]:
                self.stdout.write(json.dumps(task_figures))
            else:
                self._write_task(task)
            return
        result = run_benchmark(
            n_needs=options["needs"],
            n_partners=options["partners"],
            samples=options["samples"],
            seed=options["seed"],
            processes=max(1, options["processes"] or settings.MATCHING_PROCESSES),
        )
        if options["json"]:
            self.stdout.write(json.dumps({**result.as_dict(), **task_figures}))
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
        self._write_task(task)

    def _write_task(self, task) -> None:
        if task is None:
            self.stdout.write("one need as the task runs it: no scorable needs in the database")
            return
        self.stdout.write(
            f"one need as the task runs it: median {task.median_ms:.1f} ms over {len(task.warm_ms)} needs "
            f"(first, building the index: {task.first_ms:.0f} ms)"
        )
