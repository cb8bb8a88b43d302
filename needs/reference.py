"""Loading the form's reference lists from fixtures/ (idempotent)."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from needs.models import Division, HiTechZone, Industry, TechField

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def _rows(name: str) -> list[dict[str, str]]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sync(model: type[models.Model], key: str, rows: list[dict]) -> int:
    """Create missing rows and update changed ones; rows come parents first."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    fields = [name for name in rows[0] if name != key] if rows else []
    to_create, to_update = [], []
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
        elif any(getattr(obj, name) != value for name, value in row.items()):
            for name, value in row.items():
                setattr(obj, name, value)
            to_update.append(obj)
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, fields)
    return len(rows)


def reference_load() -> dict[str, int]:
    """Create or update every reference row; running it twice changes nothing."""
    tech = sorted(_rows("tech_fields.csv"), key=lambda r: (int(r["level"]), r["code"]))
    divisions = [{"code": "320000", "name_zh": "江苏省", "level": "province", "parent_id": None}]
    divisions += [
        {"code": r["code"], "name_zh": r["name_zh"], "level": r["level"], "parent_id": r["parent_code"]}
        for r in sorted(_rows("jiangsu_divisions.csv"), key=lambda r: (r["level"] != "city", r["code"]))
    ]
    divisions += [
        {
            "code": r["code"],
            "name_zh": r["name_zh"],
            "level": Division.Level.STAT_ZONE,
            "parent_id": r["parent_code"],
        }
        for r in _rows("jiangsu_stat_zones.csv")
    ]
    industries = sorted(_rows("industries_gbt4754.csv"), key=lambda r: (r["level"] != "section", r["code"]))
    with transaction.atomic():
        counts = {
            "tech_fields": _sync(
                TechField,
                "code",
                [
                    {
                        "code": r["code"],
                        "level": int(r["level"]),
                        "parent_id": r["parent_code"] or None,
                        "name_zh": r["name_zh"],
                    }
                    for r in tech
                ],
            ),
            "divisions": _sync(Division, "code", divisions) - 1,
            "hitech_zones": _sync(
                HiTechZone,
                "name_zh",
                [
                    {"name_zh": r["name_zh"], "level": r["level"], "city_id": r["city_code"]}
                    for r in _rows("jiangsu_hitech_zones.csv")
                ],
            ),
            "industries": _sync(
                Industry,
                "code",
                [
                    {
                        "code": r["code"],
                        "level": r["level"],
                        "parent_id": r["parent_code"] or None,
                        "name_zh": r["name_zh"],
                    }
                    for r in industries
                ],
            ),
        }
    return counts
