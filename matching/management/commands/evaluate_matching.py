"""Evaluate the matching engine on a judged corpus (interface only; see matching.evaluation)."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from matching.evaluation import DIRECTIONS, evaluate, load_corpus


class Command(BaseCommand):
    # Offline tool on files or synthetic data: it needs neither URLs nor the database.
    requires_system_checks: list[str] = []
    help = "Rank a judged corpus and print nDCG@10, recall@10 and MRR (overall and English-only slice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--needs", required=True, help="needs.jsonl")
        parser.add_argument("--partners", required=True, help="partners.jsonl")
        parser.add_argument("--qrels", required=True, help="qrels.tsv (need, partner, grade)")
        parser.add_argument("--taxonomy", default=None, help="tech_fields.csv (default: fixtures copy)")
        parser.add_argument(
            "--direction",
            choices=DIRECTIONS,
            default="needs",
            help="needs: rank partners for each judged need (default); "
            "partners: rank needs for each judged partner against the inverted qrels",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        corpus = load_corpus(options["needs"], options["partners"], options["qrels"], options["taxonomy"])
        direction = options["direction"]
        weights = getattr(settings, "MATCHING_WEIGHTS", None) or None
        result = evaluate(corpus, weights=weights, direction=direction)
        if options["json"]:
            keys = ("ndcg10", "recall10", "mrr", "ndcg10_en_only")
            self.stdout.write(json.dumps({k: round(result[k], 4) for k in keys}))
            return
        labels = (
            (("all needs", "all"), ("English-only slice", "en_only"), ("rest", "rest"))
            if direction == "needs"
            else (("all partners", "all"), ("English partners", "en_only"), ("rest", "rest"))
        )
        for label, key in labels:
            m = result[key]
            self.stdout.write(
                f"{label:<20} n={m['n']:<3} nDCG@10={m['ndcg10']:.3f} "
                f"recall@10={m['recall10']:.3f} MRR={m['mrr']:.3f}"
            )
