"""The translation catalogs under locale/.

Our msgids are Simplified Chinese, so zh-hans needs no catalog of its own (an
untranslated string shows its msgid). The other two languages:

- zh_Hant: the OpenCC s2hk conversion of the msgid, then a few Hong Kong
  usages (登入, 資訊). An entry a translator changed by hand is kept, because
  only empty or fuzzy entries are filled.
- en: written by hand. A missing or fuzzy English entry fails the check.

.mo files are build output (gitignored): `catalogs_compile` makes them with
polib, so neither a server nor a test run needs GNU gettext. Extraction
(`makemessages`) does need it.
"""

import contextlib
import functools
import re
import shutil
import tempfile
from pathlib import Path

import opencc
import polib
from django.conf import settings
from django.core.management import call_command

DOMAIN = "django"
LOCALES = ("zh_Hant", "en")
# Entries that must be translated by hand in each locale (zh_Hant is filled by
# OpenCC, so an empty one there means the fill step was skipped).
HAND_WRITTEN = ("en",)
# Hong Kong usage that the character-level s2hk conversion does not give.
HK_PHRASES = {
    "退出登錄": "登出",
    "登錄": "登入",
    "郵箱": "電郵",
    "信息": "資訊",
    "用户": "用戶",
    "賬號": "帳號",
    "默認": "預設",
}
EXTRACT_IGNORE = ["static/*", "staticfiles/*", "media/*", "test-artifacts/*", "fixtures/*"]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w*\}")


def locale_root() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def catalog_path(locale: str) -> Path:
    return locale_root() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def _s2hk() -> opencc.OpenCC:
    return opencc.OpenCC("s2hk")  # loading the dictionaries takes a tenth of a second


def hant_convert(text: str) -> str:
    """Simplified → Traditional (Hong Kong) for one msgid."""
    converted = _s2hk().convert(text)
    for mainland, hong_kong in HK_PHRASES.items():
        converted = converted.replace(mainland, hong_kong)
    return converted


def catalogs_extract() -> None:
    """Run makemessages for every locale: new strings come in, removed ones go.

    Locations are written without line numbers and obsolete entries are
    dropped, so an unrelated edit does not churn the catalogs."""
    with contextlib.chdir(settings.BASE_DIR):
        call_command(
            "makemessages",
            locale=list(LOCALES),
            domain=DOMAIN,
            add_location="file",
            no_obsolete=True,
            ignore_patterns=EXTRACT_IGNORE,
            verbosity=0,
        )
    for locale in LOCALES:
        _header_normalise(locale)


def _header_normalise(locale: str) -> None:
    """Give a new catalog a real header and drop the dates msgmerge rewrites on
    every run (they would make each extraction a change)."""
    catalog = polib.pofile(str(catalog_path(locale)))
    catalog.metadata.pop("POT-Creation-Date", None)
    catalog.metadata.pop("PO-Revision-Date", None)
    catalog.metadata.update(
        {
            "Project-Id-Version": "jshk-portal",
            "Language": locale,
            "Last-Translator": "",
            "Language-Team": "",
        }
    )
    catalog.metadata_is_fuzzy = False
    catalog.header = "Translations of the Jiangsu–Hong Kong technology-cooperation portal."
    catalog.save()


def catalog_fill_hant(*, overwrite: bool = False) -> int:
    """Fill empty and fuzzy zh_Hant entries from their msgid; return how many.

    A fuzzy entry holds msgmerge's guess from a *different* msgid, so it is
    converted afresh rather than trusted."""
    path = catalog_path("zh_Hant")
    catalog = polib.pofile(str(path))
    filled = 0
    for entry in catalog:
        if entry.obsolete:
            continue
        fuzzy = "fuzzy" in entry.flags
        if entry.msgid_plural:
            if overwrite or fuzzy or not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: hant_convert(entry.msgid_plural)}
                filled += 1
        elif overwrite or fuzzy or not entry.msgstr:
            entry.msgstr = hant_convert(entry.msgid)
            filled += 1
        if fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    catalog.save()
    return filled


def catalogs_compile() -> dict[str, int]:
    """Write a .mo beside every .po; return the translated count per catalog."""
    counts = {}
    for po_path in sorted(locale_root().glob("*/LC_MESSAGES/*.po")):
        catalog = polib.pofile(str(po_path))
        catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
        counts[str(po_path.relative_to(locale_root()))] = len(catalog.translated_entries())
    return counts


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in _PLACEHOLDER.finditer(text))


def catalog_problems(locale: str) -> list[str]:
    """What is wrong inside one catalog: missing, fuzzy or placeholder-breaking entries."""
    path = catalog_path(locale)
    if not path.exists():
        return [f"{locale}: {path.relative_to(settings.BASE_DIR)} is missing"]
    problems = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        label = f"{locale}: {entry.msgid[:60]!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{label} is fuzzy (check the translation, then remove the flag)")
            continue
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(translations):
            problems.append(f"{label} is not translated")
            continue
        expected = _placeholders(entry.msgid)
        if any(_placeholders(text) != expected for text in translations):
            problems.append(f"{label} does not keep the placeholders {expected}")
    return problems


def _entry_keys(path: Path) -> dict[tuple, tuple]:
    if not path.exists():
        return {}
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural): (entry.msgstr, tuple(entry.msgstr_plural.items()))
        for entry in polib.pofile(str(path))
        if not entry.obsolete
    }


def catalogs_update() -> dict[str, int]:
    """Extract, fill zh_Hant, compile: what a developer runs after changing strings."""
    catalogs_extract()
    catalog_fill_hant()
    return catalogs_compile()


def catalogs_check() -> list[str]:
    """Every reason the committed catalogs are not ready; an empty list when they are.

    Extraction runs on the real files (makemessages can write nowhere else),
    so they are copied aside first and put back afterwards."""
    root = locale_root()
    with tempfile.TemporaryDirectory() as backup:
        saved = Path(backup) / "locale"
        if root.exists():
            shutil.copytree(root, saved)
        before = {locale: _entry_keys(catalog_path(locale)) for locale in LOCALES}
        try:
            catalogs_extract()
            catalog_fill_hant()
            after = {locale: _entry_keys(catalog_path(locale)) for locale in LOCALES}
        finally:
            shutil.rmtree(root, ignore_errors=True)
            if saved.exists():
                shutil.copytree(saved, root)
    problems = []
    for locale in LOCALES:
        added = sorted(key[1][:60] for key in after[locale].keys() - before[locale].keys())
        removed = sorted(key[1][:60] for key in before[locale].keys() - after[locale].keys())
        changed = [
            key[1][:60]
            for key in before[locale].keys() & after[locale].keys()
            if locale not in HAND_WRITTEN and before[locale][key] != after[locale][key]
        ]
        for text in added:
            problems.append(f"{locale}: {text!r} is in the code but not in the catalog")
        for text in removed:
            problems.append(f"{locale}: {text!r} is in the catalog but no longer in the code")
        for text in changed:
            problems.append(f"{locale}: {text!r} was not filled by the zh_Hant step")
        problems += catalog_problems(locale)
    return problems
