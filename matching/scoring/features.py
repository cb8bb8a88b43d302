"""Documents as weighted concept and surface-term vectors (TF-IDF).

Term and concept vectors are TF-IDF weighted; the IDF statistics (:class:`TermStats`)
come from the indexed collection. Documents are vectorised in batches
(:class:`Batch`): surface terms are counted for a whole batch at once with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import NamedTuple

import numpy as np
from scipy import sparse

from .documents import NeedDoc, PartnerDoc, load_taxonomy
from .text import SECTION_MARK, Glossary, default_glossary, normalise, text_tokens, with_ancestors

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

TERM_MAX_DF = 0.05
TERM_MAX_DF_MIN_DOCS = 10

Sections = list[tuple[str, float]]


@dataclass
class DocTokens:
    """One document before IDF weighting.

    Concepts are few per document and are weighted here. Surface terms are many: they
    are kept as raw occurrences with per-section weights and counted for a whole batch
    of documents at once (:func:`_term_counts`), which avoids several Python dictionary
    passes per term and document.
    """

    concepts: dict[str, float]
    direct: frozenset[str]
    tokens: list[str]
    section_lengths: list[int]
    section_weights: list[float]


def _normalised_sections(sections: Sections) -> Iterator[tuple[str, float]]:
    # One OpenCC call per document: sections are joined with a marker that survives
    # normalisation and split again, so each keeps its own weight.
    norm_sections = normalise(SECTION_MARK.join(raw or "" for raw, _ in sections)).split(SECTION_MARK)
    for norm, (_, weight) in zip(norm_sections, sections, strict=True):
        if norm and weight > 0:
            yield norm, weight


def _tokens(sections: Sections, glossary: Glossary) -> DocTokens:
    concepts: dict[str, float] = {}
    direct: set[str] = set()
    tokens: list[str] = []
    lengths: list[int] = []
    weights: list[float] = []
    for norm, weight in _normalised_sections(sections):
        d, toks = text_tokens(norm, glossary)
        for key, n in with_ancestors(d, glossary).items():
            concepts[key] = concepts.get(key, 0.0) + weight * n
        direct.update(d)
        tokens.extend(toks)
        lengths.append(len(toks))
        weights.append(weight)
    return DocTokens(concepts, frozenset(direct), tokens, lengths, weights)


def need_tokens(need: NeedDoc, glossary: Glossary | None = None) -> DocTokens:
    """A need's weighted sections: title, description, basis, requirements, fields."""
    w = NEED_SECTION_WEIGHTS
    names = need.field_names or tuple(n for n in (load_taxonomy().get(c) for c in need.field_codes) if n)
    sections = [
        (need.title, w["title"]),
        (need.description, w["description"]),
        (need.basis, w["basis"]),
        (need.partner_requirements, w["partner_requirements"]),
        (need.partner_role, w["partner_role"]),
        ("；".join(names), w["field_names"]),
    ]
    return _tokens(sections, glossary or default_glossary())


def partner_tokens(partner: PartnerDoc, glossary: Glossary | None = None) -> DocTokens:
    """A partner's weighted sections: names, description, keywords and field names."""
    w = PARTNER_SECTION_WEIGHTS
    taxonomy = load_taxonomy()
    names = [taxonomy[c] for c in partner.field_codes if c in taxonomy]
    sections = [
        ("；".join(partner.names), w["names"]),
        (partner.description, w["description"]),
        ("；".join(partner.keywords), w["keywords"]),
        ("；".join(names), w["field_names"]),
    ]
    return _tokens(sections, glossary or default_glossary())


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
    def fit(cls, docs: Sequence[DocTokens], counts: sparse.csr_matrix, vocab: Sequence[str]) -> TermStats:
        """Count in how many documents each concept and term (from :func:`_term_counts`) occurs."""
        cdf: dict[str, int] = {}
        for d in docs:
            for k in d.concepts:
                cdf[k] = cdf.get(k, 0) + 1
        term_df = np.bincount(counts.indices, minlength=len(vocab)).tolist()
        return cls(len(docs), cdf, dict(zip(vocab, term_df, strict=True)))

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


def _concept_vector(counts: Mapping[str, float], stats: TermStats) -> dict[str, float]:
    """Sublinear TF × IDF, L2-normalised."""
    table, unseen = stats.idf_table("concepts")
    get = table.get
    log = math.log
    # Sublinear TF (1 + ln tf) inlined: this runs for every concept of every document.
    vec = {k: (1.0 + log(v) if v >= 1.0 else v) * get(k, unseen) for k, v in counts.items() if v > 0}
    vec = {k: x for k, x in vec.items() if x > 0}
    norm = math.sqrt(sum(x * x for x in vec.values()))
    if norm == 0:
        return {}
    return {k: x / norm for k, x in vec.items()}


class ReasonVecs(NamedTuple):
    """What reasons read of one document: its concept vector, the English-word part of
    its term vector (normalised with the whole term vector) and the directly matched
    concepts."""

    concepts: dict[str, float]
    words: dict[str, float]
    direct: frozenset[str]


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
    """Rows of :func:`_term_counts` as TF-IDF term vectors, weighted as
    :func:`_concept_vector` weighs concepts (sublinear TF, IDF, zero weights dropped,
    L2-normalised)."""
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


class Batch:
    """Documents vectorised together: concept vectors (dictionaries, also for reasons),
    the TF-IDF term matrix over the batch's own vocabulary and the reason vectors.
    Without ``stats`` the statistics are fitted on the batch itself."""

    def __init__(self, docs: Sequence[DocTokens], stats: TermStats | None) -> None:
        term_counts, self.vocab = _term_counts(docs)
        self.stats = stats if stats is not None else TermStats.fit(docs, term_counts, self.vocab)
        self.concepts = [_concept_vector(d.concepts, self.stats) for d in docs]
        self.terms = _tfidf(term_counts, self.vocab, self.stats)
        words = _word_vectors(self.terms, self.vocab)
        self.reason_vecs = [
            ReasonVecs(c, w, d.direct) for c, w, d in zip(self.concepts, words, docs, strict=True)
        ]

    def terms_in(self, columns: Mapping[str, int]) -> sparse.csr_matrix:
        """The term matrix re-indexed to another vocabulary; unknown terms are dropped
        (after normalisation, so a row keeps its length-1 scale)."""
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
