"""Offline evaluation of the scorer on a judged corpus (matching-dev schema).

Pure functions: the corpus is read from paths given by the caller (the management
command ``evaluate_matching`` or a test), mapped to :class:`NeedDoc` /
:class:`PartnerDoc`, ranked, and scored with the metrics defined in the corpus README:
nDCG@10 (gain 2^g − 1, ideal DCG from all judged partners), recall@10 over judged
partners and MRR of the first grade-2 partner, overall and on the slice of needs whose
grade-2 partners are all English-only.

The other direction (``direction="partners"``) reads the same judgements from the
partner's side: every judged partner ranks all needs, the needs judged for it are its
relevant documents, and the same metrics apply; its English slice is the partners
described in English (Chinese needs found from an English description).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .scoring import (
    COOPERATION_MODES,
    NeedDoc,
    NeedIndex,
    PartnerDoc,
    PartnerIndex,
    load_taxonomy,
    rank_all,
    rank_needs_for_partner,
)

#: Corpus mode labels (written without the enumeration comma) → codes.
MODE_LABELS: dict[str, str] = {
    **{label: code for code, label in COOPERATION_MODES.items()},
    "委托团队专家长期技术服务": "long_term_service",
    "共建新研发生产实体": "new_entity",
}

Qrels = dict[str, dict[str, int]]

#: Which side is the query: ``needs`` rank partners (the default), ``partners`` rank needs.
DIRECTIONS = ("needs", "partners")


@dataclass(frozen=True)
class Corpus:
    """A judged corpus: documents, relevance grades and each partner's language."""

    needs: list[NeedDoc]
    partners: list[PartnerDoc]
    qrels: Qrels
    partner_lang: dict[str, str]


def _read_jsonl(path: Path | str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_qrels(path: Path | str) -> Qrels:
    """``need<TAB>partner<TAB>grade`` lines, no header."""
    out: Qrels = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            need_id, partner_id, grade = line.rstrip("\n").split("\t")[:3]
            out.setdefault(need_id, {})[partner_id] = int(grade)
    return out


def _l1_codes_by_name(taxonomy: Mapping[str, str]) -> dict[str, str]:
    return {name: code for code, name in taxonomy.items() if "." not in code}


def need_from_row(row: Mapping, l1_codes: Mapping[str, str]) -> NeedDoc:
    """Map one needs.jsonl row to a :class:`NeedDoc` (field_l1 name → code)."""
    name = row.get("field_l1", "")
    code = l1_codes.get(name)
    return NeedDoc(
        id=row["id"],
        title=row.get("title", ""),
        description=row.get("description", ""),
        basis=row.get("basis", ""),
        partner_requirements=row.get("partner_requirements", ""),
        field_codes=(code,) if code else (),
        field_names=(name,) if code else (),
        cooperation_modes=tuple(MODE_LABELS[m] for m in row.get("cooperation_modes", []) if m in MODE_LABELS),
    )


def partner_from_row(row: Mapping, l1_codes: Mapping[str, str]) -> PartnerDoc:
    """Map one partners.jsonl row to a :class:`PartnerDoc`."""
    return PartnerDoc(
        id=row["id"],
        names=(row.get("name", ""),),
        description=row.get("description", ""),
        field_codes=tuple(l1_codes[f] for f in row.get("fields", []) if f in l1_codes),
    )


def load_corpus(
    needs_path: Path | str,
    partners_path: Path | str,
    qrels_path: Path | str,
    taxonomy_path: Path | str | None = None,
) -> Corpus:
    """Load a corpus of the matching-dev schema from the given files."""
    taxonomy = load_taxonomy(taxonomy_path) if taxonomy_path else load_taxonomy()
    l1 = _l1_codes_by_name(taxonomy)
    need_rows = _read_jsonl(needs_path)
    partner_rows = _read_jsonl(partners_path)
    return Corpus(
        needs=[need_from_row(r, l1) for r in need_rows],
        partners=[partner_from_row(r, l1) for r in partner_rows],
        qrels=read_qrels(qrels_path),
        partner_lang={r["id"]: r.get("lang", "") for r in partner_rows},
    )


# ---------------------------------------------------------------------------- metrics


def ndcg_at(ranking: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with gain 2^g − 1 and the ideal DCG from all judged partners."""
    dcg = sum(
        (2 ** judged.get(pid, 0) - 1) / math.log2(rank + 1) for rank, pid in enumerate(ranking[:k], start=1)
    )
    ideal_grades = sorted(judged.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(rank + 1) for rank, g in enumerate(ideal_grades, 1))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranking: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """Share of the judged (grade ≥ 1) partners found in the top k."""
    relevant = {pid for pid, g in judged.items() if g >= 1}
    if not relevant:
        return 0.0
    return len(relevant & set(ranking[:k])) / len(relevant)


def reciprocal_rank(ranking: Sequence[str], judged: Mapping[str, int], grade: int = 2) -> float:
    """1/rank of the first partner with ``grade`` in the full ranking (0 if absent)."""
    for rank, pid in enumerate(ranking, start=1):
        if judged.get(pid, 0) >= grade:
            return 1.0 / rank
    return 0.0


def invert_qrels(qrels: Qrels) -> Qrels:
    """The judgements from the partner's side: partner → {need: grade}."""
    out: Qrels = {}
    for need_id, judged in qrels.items():
        for partner_id, grade in judged.items():
            out.setdefault(partner_id, {})[need_id] = grade
    return out


def english_partners(corpus: Corpus) -> list[str]:
    """Judged partners described in English (the hard slice of the partner direction)."""
    return sorted(pid for pid in invert_qrels(corpus.qrels) if corpus.partner_lang.get(pid) == "en")


def english_only_needs(corpus: Corpus) -> list[str]:
    """Needs whose grade-2 partners are all ``lang == "en"`` (the hard slice)."""
    out = []
    for need_id, judged in corpus.qrels.items():
        strong = [pid for pid, g in judged.items() if g == 2]
        if strong and all(corpus.partner_lang.get(pid) == "en" for pid in strong):
            out.append(need_id)
    return sorted(out)


def metrics_for(rankings: Mapping[str, Sequence[str]], qrels: Qrels, ids: Iterable[str]) -> dict:
    """Mean nDCG@10, recall@10 and MRR over ``ids``."""
    ids = [i for i in ids if i in qrels]
    if not ids:
        return {"n": 0, "ndcg10": 0.0, "recall10": 0.0, "mrr": 0.0}
    rows = [
        (
            ndcg_at(rankings.get(i, []), qrels[i]),
            recall_at(rankings.get(i, []), qrels[i]),
            reciprocal_rank(rankings.get(i, []), qrels[i]),
        )
        for i in ids
    ]
    n = len(rows)
    return {
        "n": n,
        "ndcg10": sum(r[0] for r in rows) / n,
        "recall10": sum(r[1] for r in rows) / n,
        "mrr": sum(r[2] for r in rows) / n,
    }


Ranker = Callable[[Corpus], dict[str, list[str]]]


def engine_rankings(corpus: Corpus, weights: Mapping[str, float] | None = None) -> dict:
    """Full rankings (all partners) of every need by the scoring engine."""
    index = PartnerIndex(corpus.partners)
    n = len(corpus.partners)
    return {
        need.id: [str(m.partner_id) for m in matches]
        for need, matches in zip(
            corpus.needs, rank_all(corpus.needs, index, top_n=n, weights=weights), strict=True
        )
    }


def engine_partner_rankings(corpus: Corpus, weights: Mapping[str, float] | None = None) -> dict:
    """Full rankings (all needs) of every judged partner by the scoring engine.

    The need index takes the partner index's statistics, so a pair scores the same as
    in :func:`engine_rankings`.
    """
    judged = invert_qrels(corpus.qrels)
    need_index = NeedIndex(corpus.needs, stats=PartnerIndex(corpus.partners).stats)
    n = len(corpus.needs)
    return {
        partner.id: [
            str(m.need_id) for m in rank_needs_for_partner(partner, need_index, top_n=n, weights=weights)
        ]
        for partner in corpus.partners
        if partner.id in judged
    }


def evaluate(
    corpus: Corpus,
    weights: Mapping[str, float] | None = None,
    rankings: Mapping[str, Sequence[str]] | None = None,
    direction: str = "needs",
) -> dict:
    """Metrics overall, on the English slice and on the rest.

    ``direction="needs"`` ranks partners for each judged need (English slice: needs
    whose grade-2 partners are all English-only); ``"partners"`` ranks needs for each
    judged partner against the inverted judgements (English slice: partners described
    in English). Keys: ``ndcg10``, ``recall10``, ``mrr`` (all queries),
    ``ndcg10_en_only`` and the per-slice dictionaries ``all``, ``en_only``, ``rest``
    and ``per_need`` (per query: a need, or a partner in the partner direction).
    """
    if direction == "partners":
        qrels = invert_qrels(corpus.qrels)
        ranks = rankings if rankings is not None else engine_partner_rankings(corpus, weights)
        judged_ids = [p.id for p in corpus.partners if p.id in qrels]
        en_ids = english_partners(corpus)
    elif direction == "needs":
        qrels = corpus.qrels
        ranks = rankings if rankings is not None else engine_rankings(corpus, weights)
        judged_ids = [n.id for n in corpus.needs if n.id in qrels]
        en_ids = english_only_needs(corpus)
    else:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    rest = [i for i in judged_ids if i not in set(en_ids)]
    overall = metrics_for(ranks, qrels, judged_ids)
    en = metrics_for(ranks, qrels, en_ids)
    return {
        "ndcg10": overall["ndcg10"],
        "recall10": overall["recall10"],
        "mrr": overall["mrr"],
        "ndcg10_en_only": en["ndcg10"],
        "all": overall,
        "en_only": en,
        "rest": metrics_for(ranks, qrels, rest),
        "per_need": {
            i: {
                "ndcg10": ndcg_at(ranks.get(i, []), qrels[i]),
                "top5": list(ranks.get(i, []))[:5],
            }
            for i in judged_ids
        },
    }
