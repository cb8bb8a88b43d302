"""Readable zh-Hans reasons for kept pairs (rendered per language by :mod:`matching.reasons`)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from .documents import COOPERATION_MODES, NeedDoc, PartnerDoc, code_level, expand_codes, load_taxonomy
from .features import ReasonVecs
from .text import Glossary

MAX_REASON_CONCEPTS = 5
MAX_REASON_TERMS = 5


def _named_reason(need: NeedDoc, named: float) -> dict:
    if named >= 1.0:
        return {"code": "named_partner", "text": "企业已点名该机构", "params": {"named": need.named_partner}}
    return {
        "code": "named_partner_parent",
        "text": f"企业点名的“{need.named_partner}”包含该单位",
        "params": {"named": need.named_partner},
    }


@lru_cache(maxsize=65536)
def _field_reason(
    need_codes: tuple[str, ...], need_names: tuple[str, ...], partner_codes: tuple[str, ...]
) -> tuple[str, str, int, tuple[str, ...]]:
    """Code, text, depth and path of the field reason. Cached: the same few code
    combinations recur across thousands of kept pairs."""
    shared_codes = expand_codes(need_codes) & expand_codes(partner_codes)
    depth = max(code_level(c) for c in shared_codes)
    path_names = tuple(need_names[:depth]) or tuple(load_taxonomy().get(c, c) for c in sorted(shared_codes))
    label = "同一领域" if depth >= 2 else "同一大类领域"
    code = "same_field" if depth >= 2 else "same_field_l1"
    return code, f"{label}: " + " › ".join(path_names), depth, path_names


@lru_cache(maxsize=65536)
def _mode_reason(need_modes: tuple[str, ...], partner_modes: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    offered = set(partner_modes)
    modes = tuple(m for m in need_modes if m in offered)
    return "合作方式相符: " + "、".join(COOPERATION_MODES.get(m, m) for m in modes), modes


@lru_cache(maxsize=65536)
def _focus_reason(
    focus_codes: tuple[str, ...], partner_codes: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    taxonomy = load_taxonomy()
    have = expand_codes(partner_codes)
    codes = tuple(c for c in focus_codes if c in have or ("." in c and c.rsplit(".", 1)[0] in have))
    return "属于本批次重点领域: " + "、".join(taxonomy.get(c, c) for c in codes), codes


def pair_reasons(
    need: NeedDoc,
    partner: PartnerDoc,
    parts: Mapping[str, float],
    need_vecs: ReasonVecs,
    partner_vecs: ReasonVecs,
    glossary: Glossary,
) -> list[dict]:
    """Readable zh-Hans reasons for a kept pair, strongest evidence first.

    This runs for every kept pair of a full rescore (hundreds of thousands), so the
    parts that depend only on codes are cached and sorting works on plain tuples
    (``(-weight, key)`` sorts strongest first, ties by key).
    """
    out: list[dict] = []
    named = parts.get("named_partner", 0.0)
    if named > 0:
        out.append(_named_reason(need, named))

    nc, pc = need_vecs.concepts, partner_vecs.concepts
    # Concepts both texts name directly; broader concepts only when nothing specific is
    # shared (set intersections run in C).
    shared_ids = need_vecs.direct & partner_vecs.direct or nc.keys() & pc.keys()
    if shared_ids:
        shown = sorted([(-nc[k] * pc[k], k) for k in shared_ids if k in nc and k in pc])[:MAX_REASON_CONCEPTS]
        if shown:
            labels = glossary.labels
            texts = [labels[c] for _, c in shown]
            out.append(
                {
                    "code": "shared_concepts",
                    "text": "共同技术词: " + ", ".join(texts),
                    "params": {
                        "concepts": [
                            {"id": c, "label": label, "weight": round(-w, 4)}
                            for (w, c), label in zip(shown, texts, strict=True)
                        ]
                    },
                }
            )

    nw, pw = need_vecs.words, partner_vecs.words
    shared_words = nw.keys() & pw.keys()
    if shared_words:
        terms = [k[1:] for _, k in sorted([(-nw[k] * pw[k], k) for k in shared_words])[:MAX_REASON_TERMS]]
        out.append(
            {"code": "shared_terms", "text": "共同关键词: " + ", ".join(terms), "params": {"terms": terms}}
        )

    if parts.get("field", 0.0) > 0:
        code, text, depth, path = _field_reason(need.field_codes, need.field_names, partner.field_codes)
        out.append({"code": code, "text": text, "params": {"depth": depth, "names": list(path)}})

    if parts.get("mode", 0.0) > 0:
        text, modes = _mode_reason(need.cooperation_modes, partner.cooperation_modes)
        out.append({"code": "mode_fit", "text": text, "params": {"modes": list(modes)}})

    if parts.get("focus", 0.0) > 0:
        text, codes = _focus_reason(need.focus_field_codes, partner.field_codes)
        out.append({"code": "focus_field", "text": text, "params": {"codes": list(codes)}})
    return out
