"""Conversion between Simplified and Traditional Chinese (OpenCC).

Needs are mostly written in Simplified Chinese in Jiangsu and read in Hong
Kong; queries arrive in either script and with either side's vocabulary
(晶片/芯片, 數據/数据/資料), so a query is searched in all its converted forms.
"""

from functools import lru_cache

import opencc

# Character conversions and the phrase-level ones that also swap vocabulary
# (tw2sp: 晶片→芯片, s2twp: 数据→資料).
QUERY_CONVERSIONS = ("s2t", "t2s", "s2hk", "hk2s", "s2tw", "tw2s", "tw2sp", "s2twp", "t2hk")


@lru_cache(maxsize=16)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def convert(text: str, config: str) -> str:
    if not text:
        return text
    return _converter(config).convert(text)


def to_hant_hk(text: str) -> str:
    """Simplified (or mixed) Chinese shown in Hong Kong Traditional characters."""
    return convert(text, "s2hk")


def to_hans(text: str) -> str:
    return convert(text, "t2s")


#: Functions that give a search term's other names (an app built on partners
#: adds one: matching, from its bilingual glossary). Each takes a term and
#: returns a sequence of terms.
QUERY_EXPANDERS: list = []


def query_variants(term: str) -> list[str]:
    """The term, every distinct form OpenCC converts it to, and the other names
    the registered expanders know for it, original first."""
    variants = [term]
    for config in QUERY_CONVERSIONS:
        converted = convert(term, config)
        if converted not in variants:
            variants.append(converted)
    for expand in QUERY_EXPANDERS:
        for synonym in expand(term):
            if synonym not in variants:
                variants.append(synonym)
    return variants
