"""The form's reference lists (fixtures/ → load_reference) and need reference numbers."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction

from needs import reference
from needs.models import Division, HiTechZone, Industry, TechField
from needs.services.submission import reference_next

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def _csv_rows(name: str) -> list[dict]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _load() -> str:
    out = StringIO()
    call_command("load_reference", stdout=out)
    return out.getvalue()


def test_every_fixture_row_is_loaded_and_counted():
    output = _load()

    expected = {
        "tech_fields": len(_csv_rows("tech_fields.csv")),
        "divisions": len(_csv_rows("jiangsu_divisions.csv")) + len(_csv_rows("jiangsu_stat_zones.csv")),
        "hitech_zones": len(_csv_rows("jiangsu_hitech_zones.csv")),
        "industries": len(_csv_rows("industries_gbt4754.csv")),
    }
    for name, count in expected.items():
        assert f"{name}: {count}" in output
    assert TechField.objects.count() == expected["tech_fields"]
    assert Division.objects.exclude(level=Division.Level.PROVINCE).count() == expected["divisions"]
    assert HiTechZone.objects.count() == expected["hitech_zones"]
    assert Industry.objects.count() == expected["industries"]


def test_the_technology_taxonomy_is_a_clean_three_level_tree():
    _load()

    for field in TechField.objects.select_related("parent"):
        if field.level == 1:
            assert field.parent is None, field.code
        else:
            assert field.parent.level == field.level - 1, field.code
            assert field.code.startswith(field.parent.code + "."), field.code
    assert set(TechField.objects.values_list("level", flat=True)) == {1, 2, 3}


def test_divisions_hang_under_jiangsu_and_know_their_city():
    _load()

    nanjing = Division.objects.get(code="320100")
    assert (nanjing.name_zh, nanjing.level, nanjing.parent.name_zh) == ("南京市", "city", "江苏省")
    xuanwu = Division.objects.get(code="320102")
    assert xuanwu.city == nanjing
    sip = Division.objects.get(name_zh="苏州工业园区")
    assert (sip.level, sip.city.name_zh) == (Division.Level.STAT_ZONE, "苏州市")
    assert nanjing.city == nanjing
    assert HiTechZone.objects.get(name_zh="南京高新技术产业开发区").city == nanjing


def test_loading_twice_changes_nothing_and_a_changed_row_is_updated():
    _load()
    snapshot = list(TechField.objects.values_list("code", "name_zh", "parent_id", "level"))

    _load()
    assert list(TechField.objects.values_list("code", "name_zh", "parent_id", "level")) == snapshot

    TechField.objects.filter(code="01").update(name_zh="旧名称")
    _load()
    assert TechField.objects.get(code="01").name_zh == _csv_rows("tech_fields.csv")[0]["name_zh"]


def test_the_load_is_a_few_queries_not_one_per_row(django_assert_max_num_queries):
    _load()

    with django_assert_max_num_queries(30):
        reference.reference_load()


# --- need references -------------------------------------------------------------------


def test_references_count_up_per_year():
    with transaction.atomic():
        first = reference_next(year=2026)
        second = reference_next(year=2026)
        other_year = reference_next(year=2027)

    assert (first, second, other_year) == ("JSHK-2026-0001", "JSHK-2026-0002", "JSHK-2027-0001")


def test_a_rolled_back_submission_gives_its_number_back():
    with pytest.raises(IntegrityError), transaction.atomic():
        reference_next(year=2026)
        raise IntegrityError("the need could not be saved")

    with transaction.atomic():
        assert reference_next(year=2026) == "JSHK-2026-0001"
