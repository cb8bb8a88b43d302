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
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from .text import (
    SECTION_MARK,
    Glossary,
    default_glossary,
    normalise,
    text_features,
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

TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "tech_fields.csv"


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


def _features(sections: Sequence[tuple[str, float]], glossary: Glossary) -> DocFeatures:
    # One OpenCC call per document: sections are joined with a marker that survives
    # normalisation and split again, so each keeps its own weight.
    norm_sections = normalise(SECTION_MARK.join(raw or "" for raw, _ in sections)).split(SECTION_MARK)
    concepts: dict[str, float] = {}
    terms: dict[str, float] = {}
    direct: set[str] = set()
    for norm, (_, weight) in zip(norm_sections, sections, strict=True):
        if not norm or weight <= 0:
            continue
        c, t, d = text_features(norm, glossary)
        _add(concepts, c, weight)
        _add(terms, t, weight)
        direct.update(d)
    return DocFeatures(concepts, terms, frozenset(direct))


def need_features(need: NeedDoc, glossary: Glossary | None = None) -> DocFeatures:
    """Weighted concept and term counts of a need's sections."""
    g = glossary or default_glossary()
    w = NEED_SECTION_WEIGHTS
    names = need.field_names or tuple(n for n in (load_taxonomy().get(c) for c in need.field_codes) if n)
    return _features(
        [
            (need.title, w["title"]),
            (need.description, w["description"]),
            (need.basis, w["basis"]),
            (need.partner_requirements, w["partner_requirements"]),
            (need.partner_role, w["partner_role"]),
            ("；".join(names), w["field_names"]),
        ],
        g,
    )


def partner_features(partner: PartnerDoc, glossary: Glossary | None = None) -> DocFeatures:
    """Weighted concept and term counts of a partner's names, description and fields."""
    g = glossary or default_glossary()
    w = PARTNER_SECTION_WEIGHTS
    taxonomy = load_taxonomy()
    names = [taxonomy[c] for c in partner.field_codes if c in taxonomy]
    return _features(
        [
            ("；".join(partner.names), w["names"]),
            (partner.description, w["description"]),
            ("；".join(partner.keywords), w["keywords"]),
            ("；".join(names), w["field_names"]),
        ],
        g,
    )


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


def _by_weight(item: tuple[float, str]) -> tuple[float, str]:
    return (-item[0], item[1])


def _reasons(
    need: NeedDoc,
    partner: PartnerDoc,
    parts: Mapping[str, float],
    need_vecs: Vecs,
    partner_vecs: Vecs,
    glossary: Glossary,
) -> list[dict]:
    """Readable zh-Hans reasons for a kept pair, strongest evidence first."""
    reasons: list[dict] = []
    named = parts.get("named_partner", 0.0)
    if named >= 1.0:
        reasons.append(
            {"code": "named_partner", "text": "企业已点名该机构", "params": {"named": need.named_partner}}
        )
    elif named > 0:
        reasons.append(
            {
                "code": "named_partner_parent",
                "text": f"企业点名的“{need.named_partner}”包含该单位",
                "params": {"named": need.named_partner},
            }
        )

    nc, pc = need_vecs[0], partner_vecs[0]
    # Concepts both texts name directly; broader concepts only when nothing specific is
    # shared (set intersections run in C, this is done for every kept pair).
    shared_ids = need_vecs[3] & partner_vecs[3] or nc.keys() & pc.keys()
    shown = sorted(((nc[k] * pc[k], k) for k in shared_ids if k in nc and k in pc), key=_by_weight)[
        :MAX_REASON_CONCEPTS
    ]
    if shown:
        labels = [glossary.labels[c] for _, c in shown]
        reasons.append(
            {
                "code": "shared_concepts",
                "text": "共同技术词: " + ", ".join(labels),
                "params": {
                    "concepts": [
                        {"id": c, "label": label, "weight": round(w, 4)}
                        for (w, c), label in zip(shown, labels, strict=True)
                    ]
                },
            }
        )

    nw, pw = need_vecs[2], partner_vecs[2]
    words = sorted(((nw[k] * pw[k], k[1:]) for k in nw.keys() & pw.keys()), key=_by_weight)
    if words:
        terms = [w for _, w in words[:MAX_REASON_TERMS]]
        reasons.append(
            {"code": "shared_terms", "text": "共同关键词: " + ", ".join(terms), "params": {"terms": terms}}
        )

    if parts.get("field", 0.0) > 0:
        shared_codes = _expanded(need.field_codes) & _expanded(partner.field_codes)
        depth = max(_level(c) for c in shared_codes)
        path_names = list(need.field_names[:depth]) or [
            load_taxonomy().get(c, c) for c in sorted(shared_codes)
        ]
        label = "同一领域" if depth >= 2 else "同一大类领域"
        reasons.append(
            {
                "code": "same_field" if depth >= 2 else "same_field_l1",
                "text": f"{label}: " + " › ".join(path_names),
                "params": {"depth": depth, "names": path_names},
            }
        )

    if parts.get("mode", 0.0) > 0:
        offered = set(partner.cooperation_modes)
        modes = [m for m in need.cooperation_modes if m in offered]
        labels = [COOPERATION_MODES.get(m, m) for m in modes]
        reasons.append(
            {"code": "mode_fit", "text": "合作方式相符: " + "、".join(labels), "params": {"modes": modes}}
        )

    if parts.get("focus", 0.0) > 0:
        taxonomy = load_taxonomy()
        have = _expanded(partner.field_codes)
        codes = [c for c in need.focus_field_codes if c in have or ("." in c and c.rsplit(".", 1)[0] in have)]
        names = [taxonomy.get(c, c) for c in codes]
        reasons.append(
            {
                "code": "focus_field",
                "text": "属于本批次重点领域: " + "、".join(names),
                "params": {"codes": codes},
            }
        )
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
        reasons=_reasons(need, partner, parts, nv, pv, g),
    )


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return min(1.0, sum(x * b[k] for k, x in a.items() if k in b))


# ---------------------------------------------------------------------------- indexes


class _Columns:
    """Feature → column maps of one index (concepts and terms separately)."""

    def __init__(self, vecs: Sequence[Vecs]) -> None:
        self.concepts: dict[str, int] = {}
        self.terms: dict[str, int] = {}
        for c, t, _, _ in vecs:
            for k in c:
                self.concepts.setdefault(k, len(self.concepts))
            for k in t:
                self.terms.setdefault(k, len(self.terms))

    def matrix(self, vecs: Sequence[Vecs], which: int) -> sparse.csr_matrix:
        """Rows of ``vecs`` as a CSR matrix; features outside the columns are dropped."""
        cols = self.concepts if which == 0 else self.terms
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for v in vecs:
            for k, x in v[which].items():
                j = cols.get(k)
                if j is not None:
                    indices.append(j)
                    data.append(x)
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(vecs), len(cols)),
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
        feats: list[DocFeatures],
        stats: TermStats | None,
        glossary: Glossary | None,
    ) -> None:
        self.glossary = glossary or default_glossary()
        self.stats = stats if stats is not None else TermStats.fit(feats)
        self.vecs = [_vectors(f, self.stats) for f in feats]
        self.columns = _Columns(self.vecs)
        # Concepts are few (hundreds of columns), so a dense product (BLAS, both cores) is
        # faster than a sparse one; terms are many and stay sparse.
        self.concept_matrix_t = np.ascontiguousarray(self.columns.matrix(self.vecs, 0).T.toarray())
        self.term_matrix_t = self.columns.matrix(self.vecs, 1).T.tocsr()
        self.l1 = _CodeSpace()
        self.l2 = _CodeSpace()
        self.focus_space = _CodeSpace()
        self.modes = _CodeSpace()

    def _text_scores(self, q_vecs: Sequence[Vecs]) -> tuple[np.ndarray, np.ndarray]:
        qc = self.columns.matrix(q_vecs, 0)
        qt = self.columns.matrix(q_vecs, 1)
        sc = np.asarray(qc @ self.concept_matrix_t, dtype=np.float32)
        st = (qt @ self.term_matrix_t).toarray()
        np.minimum(sc, 1.0, out=sc)
        np.minimum(st, 1.0, out=st)
        return sc, st


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
    """The partner directory, vectorised once, for ranking partners against needs."""

    def __init__(
        self,
        partners: Sequence[PartnerDoc],
        stats: TermStats | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.partners = list(partners)
        g = glossary or default_glossary()
        super().__init__([partner_features(p, g) for p in self.partners], stats, g)
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
    ) -> tuple[np.ndarray, dict[str, np.ndarray], list]:
        """Scores of ``needs`` × all partners, the part matrices and the need vectors."""
        w = resolve_weights(weights)
        feats = [need_features(n, self.glossary) for n in needs]
        q_vecs = [_vectors(f, self.stats) for f in feats]
        sc, st = self._text_scores(q_vecs)
        codes = [n.field_codes for n in needs]
        field_m = _field_matrix(
            self.l1.onehot([_level_codes(c, 1) for c in codes], False),
            self.l2.onehot([_level_codes(c, 2) for c in codes], False),
            self.p_l1,
            self.p_l2,
        )
        mode_m = (
            (self.modes.onehot([n.cooperation_modes for n in needs], False) @ self.p_modes.T) > 0
        ).astype(np.float32)
        focus_m = _focus_matrix(needs, self.focus_space, self.p_focus)
        named_m = np.zeros_like(sc)
        for i, n in enumerate(needs):
            for j, v in self.names.lookup(n.named_partner).items():
                named_m[i, j] = v
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
        return score, parts, q_vecs


def _focus_matrix(needs: Sequence[NeedDoc], space: _CodeSpace, partner_codes: np.ndarray) -> np.ndarray:
    exact = space.onehot([n.focus_field_codes for n in needs], False)
    parents = space.onehot(
        [[c.rsplit(".", 1)[0] for c in n.focus_field_codes if "." in c] for n in needs], False
    )
    full = (exact @ partner_codes.T) > 0
    half = (parents @ partner_codes.T) > 0
    out = np.where(half, np.float32(FOCUS_PARENT_ONLY), np.float32(0.0))
    out[full] = 1.0
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
        super().__init__([need_features(n, g) for n in self.needs], stats, g)
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
    ) -> tuple[np.ndarray, dict[str, np.ndarray], tuple]:
        """Scores of one partner against all indexed needs."""
        w = resolve_weights(weights)
        pv = _vectors(partner_features(partner, self.glossary), self.stats)
        sc, st = self._text_scores([pv])
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
    q_vec: Vecs,
    row_scores: np.ndarray,
    row_parts: Mapping[str, np.ndarray],
    cols: np.ndarray,
    index: PartnerIndex,
) -> list[ScoredMatch]:
    scores = row_scores[cols].tolist()
    part_values = {k: m[cols].tolist() for k, m in row_parts.items()}
    out = []
    for pos, j in enumerate(cols.tolist()):
        s = scores[pos]
        if s <= 0:
            continue
        partner = index.partners[j]
        parts = {k: v[pos] for k, v in part_values.items()}
        out.append(
            ScoredMatch(
                need_id=need.id,
                partner_id=partner.id,
                score=s,
                parts=parts,
                reasons=_reasons(need, partner, parts, q_vec, index.vecs[j], index.glossary),
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
    chunk_size: int = 512,
) -> Iterator[list[ScoredMatch]]:
    """Full rescore: yield the top-N matches of each need, in the order of ``needs``.

    Needs are scored in chunks so that memory stays bounded (chunk × partners floats
    per part) however many needs there are.
    """
    for start in range(0, len(needs), chunk_size):
        chunk = needs[start : start + chunk_size]
        scores, parts, q_vecs = partner_index.score_matrix(chunk, weights)
        top = _top_n(scores, top_n)
        for i, need in enumerate(chunk):
            row_parts = {k: m[i] for k, m in parts.items()}
            yield _matches_for_row(need, q_vecs[i], scores[i], row_parts, top[i], partner_index)


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
