"""The translation-catalog pipeline (portal/catalogs.py) on catalogs of its own."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import CommandError, call_command

from portal import catalogs


@pytest.fixture
def locale(tmp_path, settings) -> Path:
    """A copy of the project's catalogs that the test may change."""
    root = tmp_path / "locale"
    shutil.copytree(Path(settings.BASE_DIR) / "locale", root, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [root]
    return root


def _catalog(locale: str) -> polib.POFile:
    return polib.pofile(str(catalogs.catalog_path(locale)))


def _entry(catalog: polib.POFile, msgid: str) -> polib.POEntry:
    return next(entry for entry in catalog if entry.msgid == msgid)


def test_hong_kong_conversion_uses_hong_kong_words():
    assert catalogs.hant_convert("登录") == "登入"
    assert catalogs.hant_convert("退出登录") == "登出"
    assert catalogs.hant_convert("企业基本信息") == "企業基本資訊"
    assert catalogs.hant_convert("距截止还有 %(days)d 天") == "距截止還有 %(days)d 天"


def test_fill_keeps_a_translators_entry_and_redoes_empty_and_fuzzy_ones(locale):
    catalog = _catalog("zh_Hant")
    _entry(catalog, "企业名称").msgstr = "公司名稱"  # a translator's choice
    _entry(catalog, "企业地址").msgstr = ""
    fuzzy = _entry(catalog, "联系人")
    fuzzy.msgstr, fuzzy.flags = "聯繫電話", ["fuzzy"]  # msgmerge's guess from a neighbour
    catalog.save()

    assert catalogs.catalog_fill_hant() == 2

    catalog = _catalog("zh_Hant")
    assert _entry(catalog, "企业名称").msgstr == "公司名稱"
    assert _entry(catalog, "企业地址").msgstr == "企業地址"
    assert (_entry(catalog, "联系人").msgstr, _entry(catalog, "联系人").flags) == ("聯繫人", [])


def test_problems_name_untranslated_fuzzy_and_placeholder_breaking_entries(locale):
    catalog = _catalog("en")
    _entry(catalog, "企业名称").msgstr = ""
    _entry(catalog, "企业地址").flags.append("fuzzy")
    _entry(catalog, "已向 %(email)s 发送邀请邮件。").msgstr = "An invitation was sent to %(mail)s."
    catalog.save()

    problems = catalogs.catalog_problems("en")

    assert len(problems) == 3
    assert any("'企业名称' is not translated" in p for p in problems)
    assert any("'企业地址' is fuzzy" in p for p in problems)
    assert any("does not keep the placeholders ['%(email)s']" in p for p in problems)


def test_compiled_catalogs_are_what_django_serves(locale):
    catalog = _catalog("en")
    _entry(catalog, "企业名称").msgstr = "Company name (edited)"
    catalog.save()

    counts = catalogs.catalogs_compile()

    assert set(counts) == {"en/LC_MESSAGES/django.po", "zh_Hant/LC_MESSAGES/django.po"}
    mo = polib.mofile(str(locale / "en" / "LC_MESSAGES" / "django.mo"))
    assert _entry(mo, "企业名称").msgstr == "Company name (edited)"


@pytest.fixture
def project_locale(tmp_path, settings) -> Path:
    """The project's own locale/, put back as it was afterwards: makemessages
    writes nowhere else when it runs in the project folder."""
    if not shutil.which("msgmerge"):
        pytest.skip("extraction needs GNU gettext")
    root = Path(settings.BASE_DIR) / "locale"
    shutil.copytree(root, tmp_path / "saved")
    try:
        yield root
    finally:
        shutil.rmtree(root)
        shutil.copytree(tmp_path / "saved", root)


def test_check_reports_a_string_missing_from_the_catalogs_and_changes_nothing(project_locale):
    locale = project_locale
    catalog = _catalog("en")
    catalog.remove(_entry(catalog, "企业名称"))
    catalog.save()
    before = {path: path.read_bytes() for path in locale.rglob("*.po")}

    with pytest.raises(CommandError) as error:
        call_command("update_catalogs", check=True)

    assert "en: '企业名称' is in the code but not in the catalog" in str(error.value)
    assert "zh_Hant: '企业名称'" not in str(error.value)
    assert {path: path.read_bytes() for path in locale.rglob("*.po")} == before


def test_update_brings_the_string_back_and_fills_it_in_traditional_chinese(project_locale):
    locale = project_locale
    for language in catalogs.LOCALES:
        catalog = _catalog(language)
        catalog.remove(_entry(catalog, "企业名称"))
        catalog.save()

    call_command("update_catalogs", stdout=open("/dev/null", "w"))

    assert _entry(_catalog("zh_Hant"), "企业名称").msgstr == "企業名稱"
    english = _entry(_catalog("en"), "企业名称")
    # For a person to write: empty, or msgmerge's guess from a similar string, flagged.
    assert english.msgstr == "" or "fuzzy" in english.flags
    assert (locale / "en" / "LC_MESSAGES" / "django.mo").exists()
    assert "POT-Creation-Date" not in _catalog("en").metadata  # no churn on every run
