"""Pure scoring engine: how well a Hong Kong partner fits a Jiangsu enterprise need.

No ORM and no Django imports: services build :class:`NeedDoc` / :class:`PartnerDoc`
from model rows, call the functions here and store the :class:`ScoredMatch` results.

The score is a weighted mean of parts, each in ``0..1``:

``text_concepts``
    cosine similarity of glossary-concept vectors. The glossary maps mainland,
    Hong Kong and English terms onto shared concepts, so this part bridges scripts and
    languages (芯片 = 晶片 = chip).
``text_terms``
    cosine similarity of surface terms (CJK character bigrams after OpenCC conversion,
    English word stems), for shared vocabulary the glossary lacks (cfDNA, RFID, BIM).
``field``
    agreement on the technology-field path: 1 for the same second-level field,
    0.6 for the same first-level field only.
``mode``
    1 when the partner offers one of the cooperation modes the need asks for.
``named_partner``
    1 when the enterprise named this partner, 0.5 when it named a body that contains
    this unit (e.g. the university of a department).
``focus``
    1 when the partner works in one of the call's focus fields, 0.5 when the focus is a
    second-level field and the partner only declares its first-level parent.

Term and concept vectors are TF-IDF weighted; the IDF statistics (:class:`TermStats`)
come from the indexed collection. Two code paths exist: :func:`score_pair` for one
pair (plain dictionaries, easy to read) and the vectorised indexes (sparse matrix
products in chunks, top-N by ``argpartition``) for full rescoring. Tests check that
they agree. Readable reasons are built only for the pairs that are kept.
"""

from __future__ import annotations

import csv
import gc
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import chain, repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy import sparse

from .text import (
    SECTION_MARK,
    Glossary,
    default_glossary,
    normalise,
    text_features,
    text_tokens,
    with_ancestors,
)

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

#: Relative weight of each need section in its text vector. The title and the
#: requirements on the partner state what is sought; the existing basis mostly lists
#: the enterprise's own equipment and so counts less.
NEED_SECTION_WEIGHTS: dict[str, float] = {
    "title": 2.0,
    "description": 1.0,
    "basis": 0.3,
    "partner_requirements": 1.5,
    "partner_role": 0.5,
    "field_names": 0.5,
}
PARTNER_SECTION_WEIGHTS: dict[str, float] = {
    "names": 1.0,
    "description": 1.0,
    "keywords": 1.5,
    "field_names": 0.5,
}

FIELD_L1_ONLY = 0.6
TERM_MAX_DF = 0.05
TERM_MAX_DF_MIN_DOCS = 10
FOCUS_PARENT_ONLY = 0.5
NAMED_CONTAINS = 0.5
NAMED_MOSTLY = 0.6
MAX_REASON_CONCEPTS = 5
MAX_REASON_TERMS = 5
#: Needs scored together by :func:`rank_all`: 512 × 5,000 partners is about 10 MB per
#: float32 part, and a full rescore of 10,000 needs gives 20 chunks to share out.
CHUNK_SIZE = 512

TAXONOMY_PATH = Path(__file__).resolve().parent.parent.parent / "fixtures" / "tech_fields.csv"


# --------------------------------------------------------------------------- documents


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


# ---------------------------------------------------------------------------- taxonomy


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


def expand_codes(codes: Iterable[str]) -> frozenset[str]:
    """A code and all its ancestors: "02.01.03" → {"02", "02.01", "02.01.03"}."""
    out: set[str] = set()
    for code in codes:
        parts = code.strip().split(".")
        for i in range(1, len(parts) + 1):
            out.add(".".join(parts[:i]))
    out.discard("")
    return frozenset(out)


@lru_cache(maxsize=65536)
def _expanded(codes: tuple[str, ...]) -> frozenset[str]:
    """Cached :func:`expand_codes` for the hot path (reasons of many pairs)."""
    return expand_codes(codes)


def _level(code: str) -> int:
    return code.count(".") + 1


# ---------------------------------------------------------------------------- features


@dataclass(frozen=True)
class DocFeatures:
    """Raw weighted counts of one document, before IDF weighting."""

    concepts: dict[str, float]
    terms: dict[str, float]
    direct: frozenset[str] = frozenset()


def _add(acc: dict[str, float], counts: Mapping[str, float], weight: float) -> None:
    for key, n in counts.items():
        acc[key] = acc.get(key, 0.0) + weight * n


Sections = list[tuple[str, float]]


def _normalised_sections(sections: Sections) -> Iterator[tuple[str, float]]:
    # One OpenCC call per document: sections are joined with a marker that survives
    # normalisation and split again, so each keeps its own weight.
    norm_sections = normalise(SECTION_MARK.join(raw or "" for raw, _ in sections)).split(SECTION_MARK)
    for norm, (_, weight) in zip(norm_sections, sections, strict=True):
        if norm and weight > 0:
            yield norm, weight


def _features(sections: Sections, glossary: Glossary) -> DocFeatures:
    concepts: dict[str, float] = {}
    terms: dict[str, float] = {}
    direct: set[str] = set()
    for norm, weight in _normalised_sections(sections):
        c, t, d = text_features(norm, glossary)
        _add(concepts, c, weight)
        _add(terms, t, weight)
        direct.update(d)
    return DocFeatures(concepts, terms, frozenset(direct))


@dataclass
class DocTokens:
    """One document as the batch (index) path needs it.

    Concepts are few per document and are weighted exactly as in :class:`DocFeatures`
    (same code, so both paths give identical concept weights and reasons). Surface terms
    are many: they are kept as raw occurrences with per-section weights and counted for
    a whole batch of documents at once (:func:`_term_counts`), which avoids several
    Python dictionary passes per term and document.
    """

    concepts: dict[str, float]
    direct: frozenset[str]
    tokens: list[str]
    section_lengths: list[int]
    section_weights: list[float]


def _tokens(sections: Sections, glossary: Glossary) -> DocTokens:
    concepts: dict[str, float] = {}
    direct: set[str] = set()
    tokens: list[str] = []
    lengths: list[int] = []
    weights: list[float] = []
    for norm, weight in _normalised_sections(sections):
        d, toks = text_tokens(norm, glossary)
        _add(concepts, with_ancestors(d, glossary), weight)
        direct.update(d)
        tokens.extend(toks)
        lengths.append(len(toks))
        weights.append(weight)
    return DocTokens(concepts, frozenset(direct), tokens, lengths, weights)


def _need_sections(need: NeedDoc) -> Sections:
    w = NEED_SECTION_WEIGHTS
    names = need.field_names or tuple(n for n in (load_taxonomy().get(c) for c in need.field_codes) if n)
    return [
        (need.title, w["title"]),
        (need.description, w["description"]),
        (need.basis, w["basis"]),
        (need.partner_requirements, w["partner_requirements"]),
        (need.partner_role, w["partner_role"]),
        ("；".join(names), w["field_names"]),
    ]


def _partner_sections(partner: PartnerDoc) -> Sections:
    w = PARTNER_SECTION_WEIGHTS
    taxonomy = load_taxonomy()
    names = [taxonomy[c] for c in partner.field_codes if c in taxonomy]
    return [
        ("；".join(partner.names), w["names"]),
        (partner.description, w["description"]),
        ("；".join(partner.keywords), w["keywords"]),
        ("；".join(names), w["field_names"]),
    ]


def need_features(need: NeedDoc, glossary: Glossary | None = None) -> DocFeatures:
    """Weighted concept and term counts of a need's sections."""
    return _features(_need_sections(need), glossary or default_glossary())


def partner_features(partner: PartnerDoc, glossary: Glossary | None = None) -> DocFeatures:
    """Weighted concept and term counts of a partner's names, description and fields."""
    return _features(_partner_sections(partner), glossary or default_glossary())


def need_tokens(need: NeedDoc, glossary: Glossary | None = None) -> DocTokens:
    """The need's features for the batch path (same weights as :func:`need_features`)."""
    return _tokens(_need_sections(need), glossary or default_glossary())


def partner_tokens(partner: PartnerDoc, glossary: Glossary | None = None) -> DocTokens:
    """The partner's features for the batch path (same weights as :func:`partner_features`)."""
    return _tokens(_partner_sections(partner), glossary or default_glossary())


@dataclass
class TermStats:
    """Document frequencies of the indexed collection, turned into IDF weights.

    IDF lets rare, specific concepts (类器官) outweigh ones every unit mentions
    (人工智能, 研发). Without statistics (``TermStats.flat()``) every feature weighs 1.
    """

    n_docs: int
    concept_df: dict[str, int]
    term_df: dict[str, int]

    @classmethod
    def flat(cls) -> TermStats:
        """Statistics that weigh every feature equally (no collection at hand)."""
        return cls(0, {}, {})

    @classmethod
    def fit(cls, docs: Sequence[DocFeatures]) -> TermStats:
        """Count in how many documents each concept and term occurs."""
        cdf: dict[str, int] = {}
        tdf: dict[str, int] = {}
        for d in docs:
            for k in d.concepts:
                cdf[k] = cdf.get(k, 0) + 1
            for k in d.terms:
                tdf[k] = tdf.get(k, 0) + 1
        return cls(len(docs), cdf, tdf)

    def idf(self, df: int) -> float:
        """Smoothed IDF; 1.0 for everything when the statistics are flat."""
        if self.n_docs == 0:
            return 1.0
        return math.log((1 + self.n_docs) / (1 + df)) + 1.0

    def idf_table(self, which: str) -> tuple[dict[str, float], float]:
        """IDF of every known concept or term (``which`` is "concepts" or "terms") and the
        IDF of an unseen one; computed once per statistics object.

        Surface terms found in more than ``TERM_MAX_DF`` of the documents (研发, 技术,
        "develop") get weight 0: they say nothing about fit and would make the sparse
        products dense.
        """
        cache = self.__dict__.setdefault("_idf_cache", {})
        if which not in cache:
            df = self.concept_df if which == "concepts" else self.term_df
            limit = max(TERM_MAX_DF * self.n_docs, TERM_MAX_DF_MIN_DOCS)
            cache[which] = (
                {
                    k: 0.0 if which == "terms" and self.n_docs and v > limit else self.idf(v)
                    for k, v in df.items()
                },
                self.idf(0),
            )
        return cache[which]


def _weighted_vector(counts: Mapping[str, float], stats: TermStats, which: str) -> dict[str, float]:
    """Sublinear TF × IDF, L2-normalised."""
    table, unseen = stats.idf_table(which)
    get = table.get
    log = math.log
    # Sublinear TF (1 + ln tf) inlined: this runs for every feature of every document.
    vec = {k: (1.0 + log(v) if v >= 1.0 else v) * get(k, unseen) for k, v in counts.items() if v > 0}
    vec = {k: x for k, x in vec.items() if x > 0}
    norm = math.sqrt(sum(x * x for x in vec.values()))
    if norm == 0:
        return {}
    return {k: x / norm for k, x in vec.items()}


Vecs = tuple[dict[str, float], dict[str, float], dict[str, float], frozenset[str]]


class ReasonVecs(NamedTuple):
    """What reasons read of one document: its concept vector, the English-word part of
    its term vector (normalised with the whole term vector) and the directly matched
    concepts."""

    concepts: dict[str, float]
    words: dict[str, float]
    direct: frozenset[str]


def _vectors(f: DocFeatures, stats: TermStats) -> Vecs:
    """Concept vector, term vector and, for reasons, the English-word part of the latter
    and the directly matched concepts."""
    terms = _weighted_vector(f.terms, stats, "terms")
    return (
        _weighted_vector(f.concepts, stats, "concepts"),
        terms,
        {k: v for k, v in terms.items() if k[0] == "w"},
        f.direct,
    )


# ------------------------------------------------------------------------ batch path


def _term_counts(docs: Sequence[DocTokens]) -> tuple[sparse.csr_matrix, list[str]]:
    """Weighted surface-term counts of ``docs`` (rows) over their own vocabulary.

    Every occurrence is mapped to a column id with C-level ``map`` and the weighted
    counts are summed by scipy, instead of one Python dictionary per document.
    """
    tokens = list(chain.from_iterable(d.tokens for d in docs))
    vocab = list(dict.fromkeys(tokens))
    ids = dict(zip(vocab, range(len(vocab)), strict=True))
    cols = np.fromiter(map(ids.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    weights = np.repeat(
        np.fromiter(chain.from_iterable(d.section_weights for d in docs), dtype=np.float64),
        np.fromiter(chain.from_iterable(d.section_lengths for d in docs), dtype=np.int64),
    )
    rows = np.repeat(
        np.arange(len(docs)), np.fromiter((len(d.tokens) for d in docs), dtype=np.int64, count=len(docs))
    )
    counts = sparse.csr_matrix((weights, (rows, cols)), shape=(len(docs), len(vocab)))
    counts.sum_duplicates()
    return counts, vocab


def _row_ids(m: sparse.csr_matrix) -> np.ndarray:
    return np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))


def _tfidf(counts: sparse.csr_matrix, vocab: Sequence[str], stats: TermStats) -> sparse.csr_matrix:
    """Rows of :func:`_term_counts` as TF-IDF term vectors, exactly as :func:`_weighted_vector`
    computes them (sublinear TF, IDF, zero weights dropped, L2-normalised)."""
    table, unseen = stats.idf_table("terms")
    idf = np.fromiter(map(table.get, vocab, repeat(unseen)), dtype=np.float64, count=len(vocab))
    tf = counts.data
    x = np.where(tf >= 1.0, 1.0 + np.log(np.maximum(tf, 1.0)), tf) * idf[counts.indices]
    rows = _row_ids(counts)
    norms = np.sqrt(np.bincount(rows, weights=x * x, minlength=counts.shape[0]))
    safe = np.where(norms > 0, norms, 1.0)
    out = sparse.csr_matrix((x / safe[rows], counts.indices.copy(), counts.indptr.copy()), shape=counts.shape)
    out.eliminate_zeros()
    return out


def _word_vectors(tfidf: sparse.csr_matrix, vocab: Sequence[str]) -> list[dict[str, float]]:
    """The English-word entries of each row (few per document), as dictionaries for reasons."""
    out: list[dict[str, float]] = [{} for _ in range(tfidf.shape[0])]
    is_word = np.fromiter((t[0] == "w" for t in vocab), dtype=bool, count=len(vocab))
    sel = is_word[tfidf.indices]
    if sel.any():
        rows = _row_ids(tfidf)[sel].tolist()
        cols = tfidf.indices[sel].tolist()
        for r, j, x in zip(rows, cols, tfidf.data[sel].tolist(), strict=True):
            out[r][vocab[j]] = x
    return out


def _concept_df(docs: Sequence[DocTokens]) -> dict[str, int]:
    df: dict[str, int] = {}
    for d in docs:
        for k in d.concepts:
            df[k] = df.get(k, 0) + 1
    return df


def _fit_stats(docs: Sequence[DocTokens], counts: sparse.csr_matrix, vocab: Sequence[str]) -> TermStats:
    """:meth:`TermStats.fit` for the batch path (document frequencies from the counts)."""
    term_df = np.bincount(counts.indices, minlength=len(vocab)).tolist()
    return TermStats(len(docs), _concept_df(docs), dict(zip(vocab, term_df, strict=True)))


# ------------------------------------------------------------------------ small parts


def _name_keys(name: str) -> list[str]:
    """Normalised keys of a name: the whole and each parenthesised or separated part.

    "醫療機械人創新技術中心 (MRC)" gives the full key, "医疗机械人创新技术中心" and "mrc".
    """
    pieces = [name, *re.split(r"[()（）,，;；/、]+", name)]
    keys = []
    for piece in pieces:
        key = re.sub(r"[\s|]+", "", normalise(piece))
        if len(key) >= 2 and key not in keys:
            keys.append(key)
    return keys


def named_partner_part(named: str, partner_names: Sequence[str]) -> float:
    """1 if ``named`` designates this partner, 0.5 if it names a body containing it."""
    if not named.strip():
        return 0.0
    return _named_score(_name_keys(named), [k for n in partner_names for k in _name_keys(n)])


def _named_score(wanted: Sequence[str], have: Sequence[str]) -> float:
    if any(w == h for w in wanted for h in have):
        return 1.0
    # A long partner name (≥4 chars) written inside the named text counts as naming it.
    if any(len(h) >= 4 and h in w for w in wanted for h in have):
        return 1.0
    best = 0.0
    for w in wanted:
        for h in have:
            if len(w) >= 4 and w in h:
                # Most of the partner's name: the unit itself without its parent's prefix.
                if len(w) >= NAMED_MOSTLY * len(h):
                    return 1.0
                best = NAMED_CONTAINS
    return best


def field_part(need_codes: Iterable[str], partner_codes: Iterable[str]) -> tuple[float, int]:
    """Field agreement and the depth (1 or 2+) of the deepest shared level."""
    shared = expand_codes(need_codes) & expand_codes(partner_codes)
    if not shared:
        return 0.0, 0
    depth = max(_level(c) for c in shared)
    return (1.0 if depth >= 2 else FIELD_L1_ONLY), depth


def focus_part(focus_codes: Iterable[str], partner_codes: Iterable[str]) -> float:
    """Whether the partner works in one of the call's focus fields."""
    have = expand_codes(partner_codes)
    best = 0.0
    for code in focus_codes:
        if code in have:
            return 1.0
        parent = code.rsplit(".", 1)[0] if "." in code else ""
        if parent and parent in have:
            best = FOCUS_PARENT_ONLY
    return best


def mode_part(need_modes: Iterable[str], partner_modes: Iterable[str]) -> float:
    """1 when the partner offers at least one mode the need asks for."""
    return 1.0 if set(need_modes) & set(partner_modes) else 0.0


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


def _combine(parts: Mapping[str, float], weights: Mapping[str, float]) -> float:
    total = sum(weights.values())
    return sum(weights[k] * parts.get(k, 0.0) for k in weights) / total


# ---------------------------------------------------------------------------- reasons


def _named_reason(need: NeedDoc, named: float) -> dict | None:
    if named >= 1.0:
        return {"code": "named_partner", "text": "企业已点名该机构", "params": {"named": need.named_partner}}
    if named > 0:
        return {
            "code": "named_partner_parent",
            "text": f"企业点名的“{need.named_partner}”包含该单位",
            "params": {"named": need.named_partner},
        }
    return None


@lru_cache(maxsize=65536)
def _field_reason(
    need_codes: tuple[str, ...], need_names: tuple[str, ...], partner_codes: tuple[str, ...]
) -> tuple[str, str, int, tuple[str, ...]]:
    """Code, text, depth and path of the field reason. Cached: the same few code
    combinations recur across thousands of kept pairs."""
    shared_codes = _expanded(need_codes) & _expanded(partner_codes)
    depth = max(_level(c) for c in shared_codes)
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
    have = _expanded(partner_codes)
    codes = tuple(c for c in focus_codes if c in have or ("." in c and c.rsplit(".", 1)[0] in have))
    return "属于本批次重点领域: " + "、".join(taxonomy.get(c, c) for c in codes), codes


def _reasons(
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
    reasons: list[dict] = []
    named = parts.get("named_partner", 0.0)
    if named > 0:
        reason = _named_reason(need, named)
        if reason is not None:
            reasons.append(reason)

    nc, pc = need_vecs.concepts, partner_vecs.concepts
    # Concepts both texts name directly; broader concepts only when nothing specific is
    # shared (set intersections run in C).
    shared_ids = need_vecs.direct & partner_vecs.direct or nc.keys() & pc.keys()
    if shared_ids:
        shown = sorted([(-nc[k] * pc[k], k) for k in shared_ids if k in nc and k in pc])[:MAX_REASON_CONCEPTS]
        if shown:
            labels = glossary.labels
            texts = [labels[c] for _, c in shown]
            reasons.append(
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
        reasons.append(
            {"code": "shared_terms", "text": "共同关键词: " + ", ".join(terms), "params": {"terms": terms}}
        )

    if parts.get("field", 0.0) > 0:
        code, text, depth, path = _field_reason(need.field_codes, need.field_names, partner.field_codes)
        reasons.append({"code": code, "text": text, "params": {"depth": depth, "names": list(path)}})

    if parts.get("mode", 0.0) > 0:
        text, modes = _mode_reason(need.cooperation_modes, partner.cooperation_modes)
        reasons.append({"code": "mode_fit", "text": text, "params": {"modes": list(modes)}})

    if parts.get("focus", 0.0) > 0:
        text, codes = _focus_reason(need.focus_field_codes, partner.field_codes)
        reasons.append({"code": "focus_field", "text": text, "params": {"codes": list(codes)}})
    return reasons


# ---------------------------------------------------------------------------- per pair


def score_pair(
    need: NeedDoc,
    partner: PartnerDoc,
    weights: Mapping[str, float] | None = None,
    *,
    stats: TermStats | None = None,
    glossary: Glossary | None = None,
) -> ScoredMatch:
    """Score one need against one partner, with parts and reasons.

    Pass the ``stats`` of the index the pair belongs to (``partner_index.stats``) to get
    exactly the score the ranking functions give; without them all features weigh 1.
    """
    g = glossary or default_glossary()
    w = resolve_weights(weights)
    st = stats or TermStats.flat()
    nv = _vectors(need_features(need, g), st)
    pv = _vectors(partner_features(partner, g), st)
    parts = {
        "text_concepts": _dot(nv[0], pv[0]),
        "text_terms": _dot(nv[1], pv[1]),
        "field": field_part(need.field_codes, partner.field_codes)[0],
        "mode": mode_part(need.cooperation_modes, partner.cooperation_modes),
        "named_partner": named_partner_part(need.named_partner, partner.names),
        "focus": focus_part(need.focus_field_codes, partner.field_codes),
    }
    return ScoredMatch(
        need_id=need.id,
        partner_id=partner.id,
        score=_combine(parts, w),
        parts=parts,
        reasons=_reasons(
            need, partner, parts, ReasonVecs(nv[0], nv[2], nv[3]), ReasonVecs(pv[0], pv[2], pv[3]), g
        ),
    )


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return min(1.0, sum(x * b[k] for k, x in a.items() if k in b))


# ---------------------------------------------------------------------------- indexes


def _concept_columns(vecs: Sequence[Mapping[str, float]]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for v in vecs:
        for k in v:
            cols.setdefault(k, len(cols))
    return cols


def _concept_matrix(vecs: Sequence[Mapping[str, float]], cols: Mapping[str, int]) -> sparse.csr_matrix:
    """Concept vectors as a CSR matrix; concepts outside the columns are dropped."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for v in vecs:
        for k, x in v.items():
            j = cols.get(k)
            if j is not None:
                indices.append(j)
                data.append(x)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
        shape=(len(vecs), len(cols)),
    )


class _Batch:
    """Documents vectorised together: concept vectors (dictionaries, also for reasons),
    the TF-IDF term matrix over the batch's own vocabulary and the reason vectors."""

    def __init__(
        self,
        docs: Sequence[DocTokens],
        stats: TermStats | None,
        counts: tuple[sparse.csr_matrix, list[str]] | None = None,
    ) -> None:
        term_counts, self.vocab = counts or _term_counts(docs)
        self.stats = stats if stats is not None else _fit_stats(docs, term_counts, self.vocab)
        self.concepts = [_weighted_vector(d.concepts, self.stats, "concepts") for d in docs]
        self.terms = _tfidf(term_counts, self.vocab, self.stats)
        words = _word_vectors(self.terms, self.vocab)
        self.reason_vecs = [
            ReasonVecs(c, w, d.direct) for c, w, d in zip(self.concepts, words, docs, strict=True)
        ]

    def terms_in(self, columns: Mapping[str, int]) -> sparse.csr_matrix:
        """The term matrix re-indexed to another vocabulary; unknown terms are dropped
        (after normalisation, as in the dictionary path)."""
        m = self.terms
        colmap = np.fromiter(map(columns.get, self.vocab, repeat(-1)), dtype=np.int64, count=len(self.vocab))
        cols = colmap[m.indices]
        keep = cols >= 0
        per_row = np.bincount(_row_ids(m)[keep], minlength=m.shape[0])
        indptr = np.concatenate([[0], np.cumsum(per_row)])
        return sparse.csr_matrix(
            (m.data[keep].astype(np.float32), cols[keep].astype(np.int32), indptr),
            shape=(m.shape[0], len(columns)),
        )


class _CodeSpace:
    """One-hot encodings of field codes, cooperation modes and focus fields."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def col(self, code: str) -> int:
        return self.codes.setdefault(code, len(self.codes))

    def onehot(self, rows: Sequence[Iterable[str]], add_new: bool) -> np.ndarray:
        """Dense 0/1 matrix (rows × known codes); unknown codes are skipped."""
        if add_new:
            for r in rows:
                for c in r:
                    self.col(c)
        m = np.zeros((len(rows), max(1, len(self.codes))), dtype=np.float32)
        for i, r in enumerate(rows):
            for c in r:
                j = self.codes.get(c)
                if j is not None:
                    m[i, j] = 1.0
        return m


def _level_codes(codes: Iterable[str], level: int) -> set[str]:
    return {c for c in expand_codes(codes) if _level(c) == level}


class _NameIndex:
    """Normalised name keys of the indexed partners, for the named-partner part."""

    def __init__(self, names: Sequence[Sequence[str]]) -> None:
        self.exact: dict[str, set[int]] = {}
        self.long_keys: dict[str, set[int]] = {}
        self.blob_keys: list[tuple[str, int]] = []
        for i, ns in enumerate(names):
            for n in ns:
                for k in _name_keys(n):
                    self.exact.setdefault(k, set()).add(i)
                    if len(k) >= 4:
                        self.long_keys.setdefault(k, set()).add(i)
                    self.blob_keys.append((k, i))
        # One searchable string for "named text contained in a partner name".
        self.blob = "\x00".join(k for k, _ in self.blob_keys)
        self.starts = np.cumsum([0] + [len(k) + 1 for k, _ in self.blob_keys])

    def lookup(self, named: str) -> dict[int, float]:
        """Partner rows designated (1.0) or contained (0.5) by the named text."""
        out: dict[int, float] = {}
        if not named.strip():
            return out
        wanted = _name_keys(named)
        for w in wanted:
            for i in self.exact.get(w, ()):
                out[i] = 1.0
            # Partner names of ≥4 characters written inside the named text.
            n = len(w)
            for a in range(n):
                for b in range(a + 4, n + 1):
                    for i in self.long_keys.get(w[a:b], ()):
                        out[i] = 1.0
        for w in wanted:
            if len(w) < 4:
                continue
            pos = self.blob.find(w)
            while pos != -1:
                row = int(np.searchsorted(self.starts, pos, side="right")) - 1
                key, i = self.blob_keys[row]
                value = 1.0 if len(w) >= NAMED_MOSTLY * len(key) else NAMED_CONTAINS
                out[i] = max(out.get(i, 0.0), value)
                pos = self.blob.find(w, pos + 1)
        return out


class _Index:
    """Common machinery of :class:`PartnerIndex` and :class:`NeedIndex`."""

    def __init__(
        self,
        docs: list[DocTokens],
        stats: TermStats | None,
        glossary: Glossary | None,
    ) -> None:
        self.glossary = glossary or default_glossary()
        batch = _Batch(docs, stats)
        self.stats = batch.stats
        self.vecs = batch.reason_vecs
        self.concept_columns = _concept_columns(batch.concepts)
        self.term_columns = dict(zip(batch.vocab, range(len(batch.vocab)), strict=True))
        # Concepts are few (hundreds of columns), so a dense product (BLAS, both cores) is
        # faster than a sparse one; terms are many and stay sparse.
        self.concept_matrix_t = np.ascontiguousarray(
            _concept_matrix(batch.concepts, self.concept_columns).T.toarray()
        )
        self.term_matrix_t = batch.terms.astype(np.float32).T.tocsr()
        self.l1 = _CodeSpace()
        self.l2 = _CodeSpace()
        self.focus_space = _CodeSpace()
        self.modes = _CodeSpace()

    def _text_scores(self, q_docs: Sequence[DocTokens]) -> tuple[np.ndarray, np.ndarray, list[ReasonVecs]]:
        q = _Batch(q_docs, self.stats)
        qc = _concept_matrix(q.concepts, self.concept_columns)
        qt = q.terms_in(self.term_columns)
        sc = np.asarray(qc @ self.concept_matrix_t, dtype=np.float32)
        st = (qt @ self.term_matrix_t).toarray()
        np.minimum(sc, 1.0, out=sc)
        np.minimum(st, 1.0, out=st)
        return sc, st, q.reason_vecs


def _field_matrix(q1: np.ndarray, q2: np.ndarray, d1: np.ndarray, d2: np.ndarray) -> np.ndarray:
    """Field part for all pairs: 1 for a shared L2 code, 0.6 for a shared L1 code."""
    shared1 = (q1 @ d1.T) > 0
    shared2 = (q2 @ d2.T) > 0
    out = np.where(shared1, np.float32(FIELD_L1_ONLY), np.float32(0.0))
    out[shared2] = 1.0
    return out


def _top_n(scores: np.ndarray, top_n: int) -> np.ndarray:
    """Column indices of the ``top_n`` best scores per row, best first (ties by index)."""
    n = scores.shape[1]
    k = min(top_n, n)
    if k <= 0:
        return np.zeros((scores.shape[0], 0), dtype=np.int64)
    if k < n:
        idx = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        idx = np.tile(np.arange(n), (scores.shape[0], 1))
    part = np.take_along_axis(scores, idx, axis=1)
    order = np.lexsort((idx, -part), axis=1)
    return np.take_along_axis(idx, order, axis=1)


class PartnerIndex(_Index):
    """The partner directory, vectorised once, for ranking partners against needs.

    With ``processes`` > 1 the partners are featurised in forked worker processes
    (where this process may start them), as :func:`rank_all` scores needs.
    """

    def __init__(
        self,
        partners: Sequence[PartnerDoc],
        stats: TermStats | None = None,
        glossary: Glossary | None = None,
        processes: int = 1,
    ) -> None:
        self.partners = list(partners)
        g = glossary or default_glossary()
        tokens = None
        if processes > 1:
            from ..parallel import map_forked

            tokens = map_forked(partial(partner_tokens, glossary=g), self.partners, processes)
        if tokens is None:
            tokens = [partner_tokens(p, g) for p in self.partners]
        super().__init__(tokens, stats, g)
        codes = [p.field_codes for p in self.partners]
        self.p_l1 = self.l1.onehot([_level_codes(c, 1) for c in codes], add_new=True)
        self.p_l2 = self.l2.onehot([_level_codes(c, 2) for c in codes], add_new=True)
        self.p_focus = self.focus_space.onehot([expand_codes(c) for c in codes], add_new=True)
        self.p_modes = self.modes.onehot([p.cooperation_modes for p in self.partners], True)
        self.names = _NameIndex([p.names for p in self.partners])

    def __len__(self) -> int:
        return len(self.partners)

    def score_matrix(
        self, needs: Sequence[NeedDoc], weights: Mapping[str, float] | None = None
    ) -> tuple[np.ndarray, ChunkParts, list[ReasonVecs]]:
        """Scores of ``needs`` × all partners, their parts and the need vectors.

        The code-based parts are kept as small-integer level matrices and added to the
        score in place: a chunk is 512 × partners cells, and every full-size float
        temporary costs a pass over memory (and fresh pages) per part.
        """
        w = resolve_weights(weights)
        total = sum(w.values())
        sc, st, q_vecs = self._text_scores([need_tokens(n, self.glossary) for n in needs])
        codes = [n.field_codes for n in needs]
        field_lvl = _shared(self.l1.onehot([_level_codes(c, 1) for c in codes], False), self.p_l1)
        # A shared second-level code implies a shared first-level one (codes are expanded).
        field_lvl += _shared(self.l2.onehot([_level_codes(c, 2) for c in codes], False), self.p_l2)
        mode_m = _shared(self.modes.onehot([n.cooperation_modes for n in needs], False), self.p_modes)
        focus_lvl = _focus_levels(needs, self.focus_space, self.p_focus)
        named = {
            (i, j): v for i, n in enumerate(needs) for j, v in self.names.lookup(n.named_partner).items()
        }
        parts = ChunkParts(sc, st, field_lvl, mode_m, named, focus_lvl)
        score = np.multiply(sc, np.float32(w["text_concepts"] / total))
        scratch = np.empty_like(score)
        score += np.multiply(st, np.float32(w["text_terms"] / total), out=scratch)
        score += np.take(_FIELD_VALUES * np.float32(w["field"] / total), field_lvl, out=scratch)
        np.add(score, np.float32(w["mode"] / total), out=score, where=mode_m.view(bool))
        score += np.take(_FOCUS_VALUES * np.float32(w["focus"] / total), focus_lvl, out=scratch)
        for (i, j), v in named.items():
            score[i, j] += np.float32(w["named_partner"] / total) * np.float32(v)
        return score, parts, q_vecs


_FIELD_VALUES = np.array([0.0, FIELD_L1_ONLY, 1.0], dtype=np.float32)
_FOCUS_VALUES = np.array([0.0, FOCUS_PARENT_ONLY, 1.0], dtype=np.float32)


def _shared(q: np.ndarray, d: np.ndarray) -> np.ndarray:
    """1 where a query row and an indexed row share a code, as uint8 (levels add up).

    Query rows hold one to three codes, so OR-ing the indexed rows' code columns is
    cheaper than a matrix product with a tiny inner dimension (which BLAS spreads over
    threads for little work on a busy machine).
    """
    d_t = np.ascontiguousarray(d.T > 0)
    out = np.zeros((q.shape[0], d.shape[0]), dtype=np.uint8)
    for i, cols in enumerate(q > 0):
        idx = np.flatnonzero(cols)
        if len(idx) == 1:
            out[i] = d_t[idx[0]]
        elif len(idx):
            out[i] = d_t[idx].any(axis=0)
    return out


@dataclass
class ChunkParts:
    """The parts of a chunk of needs × all partners, read only at the kept pairs."""

    text_concepts: np.ndarray
    text_terms: np.ndarray
    field_level: np.ndarray
    mode: np.ndarray
    named: dict[tuple[int, int], float]
    focus_level: np.ndarray

    def row(self, i: int, cols: np.ndarray) -> dict[str, list[float]]:
        """Part values of need ``i`` at partner columns ``cols``."""
        return {
            "text_concepts": self.text_concepts[i, cols].tolist(),
            "text_terms": self.text_terms[i, cols].tolist(),
            "field": _FIELD_VALUES[self.field_level[i, cols]].tolist(),
            "mode": self.mode[i, cols].astype(np.float32).tolist(),
            "named_partner": [self.named.get((i, j), 0.0) for j in cols.tolist()],
            "focus": _FOCUS_VALUES[self.focus_level[i, cols]].tolist(),
        }


def _focus_levels(needs: Sequence[NeedDoc], space: _CodeSpace, partner_codes: np.ndarray) -> np.ndarray:
    """Focus part as levels: 2 the partner has a focus code, 1 only its parent, else 0."""
    exact = space.onehot([n.focus_field_codes for n in needs], False)
    parents = space.onehot(
        [[c.rsplit(".", 1)[0] for c in n.focus_field_codes if "." in c] for n in needs], False
    )
    out = _shared(parents, partner_codes)
    np.putmask(out, _shared(exact, partner_codes).view(bool), np.uint8(2))
    return out


class NeedIndex(_Index):
    """A set of needs, vectorised once, for ranking needs against a partner.

    Pass ``stats=partner_index.stats`` so that a pair scores the same in both
    directions; by default the statistics are fitted on the needs themselves.
    """

    def __init__(
        self,
        needs: Sequence[NeedDoc],
        stats: TermStats | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.needs = list(needs)
        g = glossary or default_glossary()
        super().__init__([need_tokens(n, g) for n in self.needs], stats, g)
        codes = [n.field_codes for n in self.needs]
        self.n_l1 = self.l1.onehot([_level_codes(c, 1) for c in codes], add_new=True)
        self.n_l2 = self.l2.onehot([_level_codes(c, 2) for c in codes], add_new=True)
        self.n_modes = self.modes.onehot([n.cooperation_modes for n in self.needs], True)
        focus = [n.focus_field_codes for n in self.needs]
        parents = [[c.rsplit(".", 1)[0] for c in f if "." in c] for f in focus]
        for codes_ in (*focus, *parents):
            for c in codes_:
                self.focus_space.col(c)
        self.n_focus = self.focus_space.onehot(focus, add_new=False)
        self.n_focus_parent = self.focus_space.onehot(parents, add_new=False)
        self.named = [
            (i, _name_keys(n.named_partner)) for i, n in enumerate(self.needs) if n.named_partner.strip()
        ]

    def __len__(self) -> int:
        return len(self.needs)

    def score_vector(
        self, partner: PartnerDoc, weights: Mapping[str, float] | None = None
    ) -> tuple[np.ndarray, dict[str, np.ndarray], ReasonVecs]:
        """Scores of one partner against all indexed needs."""
        w = resolve_weights(weights)
        sc, st, (pv,) = self._text_scores([partner_tokens(partner, self.glossary)])
        field_m = _field_matrix(
            self.l1.onehot([_level_codes(partner.field_codes, 1)], False),
            self.l2.onehot([_level_codes(partner.field_codes, 2)], False),
            self.n_l1,
            self.n_l2,
        )
        mode_m = ((self.modes.onehot([partner.cooperation_modes], False) @ self.n_modes.T) > 0).astype(
            np.float32
        )
        have = self.focus_space.onehot([expand_codes(partner.field_codes)], False)
        full = (self.n_focus @ have.T).T > 0
        half = (self.n_focus_parent @ have.T).T > 0
        focus_m = np.where(half, np.float32(FOCUS_PARENT_ONLY), np.float32(0.0))
        focus_m[full] = 1.0
        named_m = np.zeros_like(sc)
        if self.named:
            keys = [k for n in partner.names for k in _name_keys(n)]
            for i, wanted in self.named:
                named_m[0, i] = _named_score(wanted, keys)
        parts = {
            "text_concepts": sc,
            "text_terms": st,
            "field": field_m,
            "mode": mode_m,
            "named_partner": named_m,
            "focus": focus_m,
        }
        total = sum(w.values())
        score = np.zeros_like(sc)
        for k, m in parts.items():
            if w[k]:
                score += np.float32(w[k] / total) * m
        return score[0], {k: v[0] for k, v in parts.items()}, pv


# ---------------------------------------------------------------------------- ranking


def _matches_for_row(
    need: NeedDoc,
    q_vec: ReasonVecs,
    scores: list[float],
    part_values: Mapping[str, list[float]],
    cols: list[int],
    index: PartnerIndex,
) -> list[ScoredMatch]:
    out = []
    partners, vecs, glossary = index.partners, index.vecs, index.glossary
    for pos, j in enumerate(cols):
        s = scores[pos]
        if s <= 0:
            continue
        partner = partners[j]
        parts = {k: v[pos] for k, v in part_values.items()}
        out.append(
            ScoredMatch(
                need_id=need.id,
                partner_id=partner.id,
                score=s,
                parts=parts,
                reasons=_reasons(need, partner, parts, q_vec, vecs[j], glossary),
            )
        )
    return out


def rank_partners_for_need(
    need: NeedDoc,
    partner_index: PartnerIndex,
    top_n: int = 20,
    weights: Mapping[str, float] | None = None,
) -> list[ScoredMatch]:
    """The ``top_n`` best partners for one need, best first, with reasons."""
    return next(rank_all([need], partner_index, top_n=top_n, weights=weights))


def rank_all(
    needs: Sequence[NeedDoc],
    partner_index: PartnerIndex,
    top_n: int = 20,
    weights: Mapping[str, float] | None = None,
    chunk_size: int = CHUNK_SIZE,
    processes: int = 1,
) -> Iterator[list[ScoredMatch]]:
    """Full rescore: yield the top-N matches of each need, in the order of ``needs``.

    Needs are scored in chunks so that memory stays bounded (chunk × partners floats
    per part) however many needs there are. With ``processes`` > 1 and at least two
    chunks, chunks are scored in forked worker processes (see :mod:`matching.parallel`);
    where processes cannot be started (a daemonic Celery pool child) the chunks are
    scored here, one after the other, with the same result.
    """
    bounds = [(s, min(s + chunk_size, len(needs))) for s in range(0, len(needs), chunk_size)]
    if len(bounds) <= 1:
        for start, stop in bounds:
            yield from _rank_chunk(needs[start:stop], partner_index, top_n, weights)
        return
    # The index, the needs and the glossary are hundreds of MB of long-lived objects.
    # Frozen, the collector stops walking them each time the hundreds of thousands of
    # new matches trigger a full collection (a third of the time of unpickling worker
    # results), and forked workers do not copy every page the walk would touch.
    gc.freeze()
    try:
        pool = None
        if processes > 1:
            from ..parallel import ChunkPool

            pool = ChunkPool.start(needs, partner_index, top_n, weights, bounds, processes)
        if pool is not None:
            yield from pool.results()
        else:
            for start, stop in bounds:
                yield from _rank_chunk(needs[start:stop], partner_index, top_n, weights)
    finally:
        # Frozen objects are never collected: give them back to the collector.
        gc.unfreeze()


def _rank_chunk(
    chunk: Sequence[NeedDoc],
    partner_index: PartnerIndex,
    top_n: int,
    weights: Mapping[str, float] | None,
) -> Iterator[list[ScoredMatch]]:
    """Score one chunk of needs against all partners and yield each need's top N."""
    scores, parts, q_vecs = partner_index.score_matrix(chunk, weights)
    top = _top_n(scores, top_n)
    for i, need in enumerate(chunk):
        cols = top[i]
        yield _matches_for_row(
            need, q_vecs[i], scores[i, cols].tolist(), parts.row(i, cols), cols.tolist(), partner_index
        )


def rank_needs_for_partner(
    partner: PartnerDoc,
    need_index: NeedIndex,
    top_n: int = 20,
    weights: Mapping[str, float] | None = None,
) -> list[ScoredMatch]:
    """The ``top_n`` best needs for one partner, best first, with reasons."""
    scores, parts, pv = need_index.score_vector(partner, weights)
    top = _top_n(scores[None, :], top_n)[0]
    out = []
    for i in top:
        s = float(scores[i])
        if s <= 0:
            continue
        need = need_index.needs[i]
        p = {k: float(m[i]) for k, m in parts.items()}
        out.append(
            ScoredMatch(
                need_id=need.id,
                partner_id=partner.id,
                score=s,
                parts=p,
                reasons=_reasons(need, partner, p, need_index.vecs[i], pv, need_index.glossary),
            )
        )
    return out


__all__ = [
    "COOPERATION_MODES",
    "DEFAULT_WEIGHTS",
    "SCORER_VERSION",
    "NeedDoc",
    "NeedIndex",
    "PartnerDoc",
    "PartnerIndex",
    "ScoredMatch",
    "TermStats",
    "load_taxonomy",
    "rank_all",
    "rank_needs_for_partner",
    "rank_partners_for_need",
    "score_pair",
]
