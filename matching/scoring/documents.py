"""What the scorer reads and returns: documents, matches, weights and field codes."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SCORER_VERSION = "1.0"

#: Weights of the parts in the final score (a weighted mean, so only ratios matter).
#: Django passes ``settings.MATCHING_WEIGHTS``; keys missing there fall back to these.
DEFAULT_WEIGHTS: dict[str, float] = {
    "text_concepts": 0.55,
    "text_terms": 0.20,
    "field": 0.10,
    "mode": 0.03,
    "named_partner": 0.30,
    "focus": 0.02,
}

PART_NAMES: tuple[str, ...] = tuple(DEFAULT_WEIGHTS)

#: Cooperation-mode codes and their official labels.
COOPERATION_MODES: dict[str, str] = {
    "transfer": "技术转让",
    "equity": "技术入股",
    "joint_dev": "联合开发",
    "commissioned": "委托研发",
    "long_term_service": "委托团队、专家长期技术服务",
    "new_entity": "共建新研发、生产实体",
}

TAXONOMY_PATH = Path(__file__).resolve().parent.parent.parent / "fixtures" / "tech_fields.csv"


@dataclass(frozen=True)
class NeedDoc:
    """An enterprise need as the scorer sees it (zh-Hans text, codes)."""

    id: int | str
    title: str
    description: str = ""
    basis: str = ""
    partner_requirements: str = ""
    partner_role: str = ""
    field_codes: tuple[str, ...] = ()
    field_names: tuple[str, ...] = ()
    cooperation_modes: tuple[str, ...] = ()
    named_partner: str = ""
    focus_field_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartnerDoc:
    """A Hong Kong partner as the scorer sees it (zh-Hant, English or mixed text)."""

    id: int | str
    names: tuple[str, ...]
    description: str = ""
    keywords: tuple[str, ...] = ()
    field_codes: tuple[str, ...] = ()
    cooperation_modes: tuple[str, ...] = ()


@dataclass
class ScoredMatch:
    """One scored pair with its parts and human-readable reasons."""

    need_id: int | str
    partner_id: int | str
    score: float
    parts: dict[str, float]
    reasons: list[dict] = field(default_factory=list)


def resolve_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Defaults overridden by ``weights``; unknown keys are an error (likely typos)."""
    out = dict(DEFAULT_WEIGHTS)
    if weights:
        unknown = set(weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValueError(f"unknown matching weight(s): {sorted(unknown)}")
        out.update({k: float(v) for k, v in weights.items()})
    if sum(out.values()) <= 0:
        raise ValueError("matching weights must not all be zero")
    return out


@lru_cache(maxsize=4)
def load_taxonomy(path: Path | str = TAXONOMY_PATH) -> dict[str, str]:
    """Map taxonomy codes ("01", "01.01", "01.01.01") to their zh-Hans names.

    Missing file means an empty mapping: names only enrich texts and reasons, codes
    still drive the field parts.
    """
    p = Path(path)
    if not p.exists():
        return {}
    with open(p, encoding="utf-8", newline="") as fh:
        return {row["code"]: row["name_zh"] for row in csv.DictReader(fh)}


@lru_cache(maxsize=65536)
def expand_codes(codes: tuple[str, ...]) -> frozenset[str]:
    """A code and all its ancestors: ("02.01.03",) → {"02", "02.01", "02.01.03"}.

    Cached: the same few code combinations recur across thousands of documents and kept
    pairs.
    """
    out: set[str] = set()
    for code in codes:
        parts = code.strip().split(".")
        for i in range(1, len(parts) + 1):
            out.add(".".join(parts[:i]))
    out.discard("")
    return frozenset(out)


def code_level(code: str) -> int:
    return code.count(".") + 1
