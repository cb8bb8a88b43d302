"""Indexes: every part of needs × partners as matrix products.

An index vectorises one side once (the partner directory, or a set of needs); the other
side is vectorised per call in the index's columns. Both directions compute the parts
and the score with the same code (:class:`ScoreBlock`), and a single pair is scored as a
one-partner index, so a pair scores the same however it is ranked (given the same
statistics). Readable reasons are built only for the pairs that are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from functools import partial
from typing import NamedTuple

import numpy as np
from scipy import sparse

from .. import parallel
from .documents import NeedDoc, PartnerDoc, ScoredMatch, code_level, expand_codes, resolve_weights
from .features import Batch, DocTokens, ReasonVecs, TermStats, need_tokens, partner_tokens
from .reasons import pair_reasons
from .text import Glossary, default_glossary, normalise

FIELD_L1_ONLY = 0.6
FOCUS_PARENT_ONLY = 0.5
NAMED_CONTAINS = 0.5
NAMED_MOSTLY = 0.6

_FIELD_VALUES = np.array([0.0, FIELD_L1_ONLY, 1.0], dtype=np.float32)
_FOCUS_VALUES = np.array([0.0, FOCUS_PARENT_ONLY, 1.0], dtype=np.float32)


# ------------------------------------------------------------------------- concepts


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


# ---------------------------------------------------------------------------- codes


class _CodeSpace:
    """Columns of one kind of code (field level, cooperation mode, focus field)."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def add(self, rows: Iterable[Iterable[str]]) -> None:
        for r in rows:
            for c in r:
                self.codes.setdefault(c, len(self.codes))

    def onehot(self, rows: Sequence[Iterable[str]], add_new: bool) -> np.ndarray:
        """Dense 0/1 matrix (rows × known codes); unknown codes are skipped."""
        if add_new:
            self.add(rows)
        m = np.zeros((len(rows), max(1, len(self.codes))), dtype=np.float32)
        for i, r in enumerate(rows):
            for c in r:
                j = self.codes.get(c)
                if j is not None:
                    m[i, j] = 1.0
        return m


def _level_codes(codes: tuple[str, ...], level: int) -> set[str]:
    return {c for c in expand_codes(codes) if code_level(c) == level}


class _Codes(NamedTuple):
    """One side's codes as one-hot rows. ``focus`` holds a need's focus fields and a
    partner's fields with their ancestors; ``focus_parent`` (needs only) the parents of
    second-level focus fields."""

    l1: np.ndarray
    l2: np.ndarray
    modes: np.ndarray
    focus: np.ndarray
    focus_parent: np.ndarray | None = None


class _CodeSpaces:
    """The code columns of an index. The indexed side adds its codes; the other side is
    encoded with those columns only (a code the index lacks cannot be shared)."""

    def __init__(self) -> None:
        self.l1, self.l2, self.modes, self.focus = _CodeSpace(), _CodeSpace(), _CodeSpace(), _CodeSpace()

    def needs(self, needs: Sequence[NeedDoc], add_new: bool) -> _Codes:
        codes = [n.field_codes for n in needs]
        focus = [n.focus_field_codes for n in needs]
        parents = [[c.rsplit(".", 1)[0] for c in f if "." in c] for f in focus]
        if add_new:
            self.focus.add([*focus, *parents])
        return _Codes(
            self.l1.onehot([_level_codes(c, 1) for c in codes], add_new),
            self.l2.onehot([_level_codes(c, 2) for c in codes], add_new),
            self.modes.onehot([n.cooperation_modes for n in needs], add_new),
            self.focus.onehot(focus, False),
            self.focus.onehot(parents, False),
        )

    def partners(self, partners: Sequence[PartnerDoc], add_new: bool) -> _Codes:
        codes = [p.field_codes for p in partners]
        return _Codes(
            self.l1.onehot([_level_codes(c, 1) for c in codes], add_new),
            self.l2.onehot([_level_codes(c, 2) for c in codes], add_new),
            self.modes.onehot([p.cooperation_modes for p in partners], add_new),
            self.focus.onehot([expand_codes(c) for c in codes], add_new),
        )


def _shared(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 where a row of ``a`` and a row of ``b`` share a code (rows of a × rows of b), as
    uint8 (levels add up).

    Rows hold a few codes, so OR-ing the code columns of the larger side for each row of
    the smaller one is cheaper than a matrix product with a tiny inner dimension (which
    BLAS spreads over threads for little work on a busy machine).
    """
    if a.shape[0] > b.shape[0]:
        return _shared(b, a).T
    b_t = np.ascontiguousarray(b.T > 0)
    out = np.zeros((a.shape[0], b.shape[0]), dtype=np.uint8)
    for i, cols in enumerate(a > 0):
        idx = np.flatnonzero(cols)
        if len(idx) == 1:
            out[i] = b_t[idx[0]]
        elif len(idx):
            out[i] = b_t[idx].any(axis=0)
    return out


def _code_levels(n: _Codes, p: _Codes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Field, mode and focus parts of needs × partners as small-integer levels.

    Field: 2 for a shared second-level code, 1 for a shared first-level code only.
    Focus: 2 when the partner has a focus field, 1 when it has only its parent.
    """
    # A shared second-level code implies a shared first-level one (codes are expanded).
    field_level = _shared(n.l1, p.l1)
    field_level += _shared(n.l2, p.l2)
    focus_level = _shared(n.focus_parent, p.focus)
    focus_level[_shared(n.focus, p.focus).view(bool)] = 2
    return field_level, _shared(n.modes, p.modes), focus_level


# ---------------------------------------------------------------------------- names


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


def _wanted(needs: Sequence[NeedDoc]) -> list[tuple[int, list[str]]]:
    """Name keys of the partner each need names, by need row (needs naming none left out)."""
    return [(i, _name_keys(n.named_partner)) for i, n in enumerate(needs) if n.named_partner.strip()]


class _NameIndex:
    """Normalised name keys of partners, for the named-partner part."""

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

    def lookup(self, wanted: Sequence[str]) -> dict[int, float]:
        """Partner rows designated (1.0) or contained (0.5) by the named text's keys.

        A partner is designated by one of its keys, by a key of ≥4 characters written
        inside the named text, or by a named key that is most of one of its keys (the
        unit itself without its parent's prefix); a shorter part names a body that
        contains it.
        """
        out: dict[int, float] = {}
        for w in wanted:
            for i in self.exact.get(w, ()):
                out[i] = 1.0
            # Look up the text's substrings of ≥4 characters, or test the long keys when
            # they are fewer (a one-partner index ranking needs).
            n = len(w)
            if len(self.long_keys) < (n - 3) * (n - 2) // 2:
                hits = [rows for k, rows in self.long_keys.items() if k in w]
            else:
                hits = [self.long_keys.get(w[a:b], ()) for a in range(n) for b in range(a + 4, n + 1)]
            for rows in hits:
                for i in rows:
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

    def pairs(self, wanted: Iterable[tuple[int, Sequence[str]]]) -> dict[tuple[int, int], float]:
        """Named part by (need row, partner row), for the needs' :func:`_wanted` keys."""
        return {(i, j): v for i, keys in wanted for j, v in self.lookup(keys).items()}


# ---------------------------------------------------------------------------- scores


@dataclass
class ScoreBlock:
    """Scores of needs × partners with their parts, read only at the kept pairs.

    The code-based parts are kept as small-integer level matrices and added to the
    score in place: a chunk is 512 × partners cells, and every full-size float
    temporary costs a pass over memory (and fresh pages) per part.
    """

    needs: Sequence[NeedDoc]
    partners: Sequence[PartnerDoc]
    need_vecs: Sequence[ReasonVecs]
    partner_vecs: Sequence[ReasonVecs]
    glossary: Glossary
    text_concepts: np.ndarray
    text_terms: np.ndarray
    field_level: np.ndarray
    mode: np.ndarray
    focus_level: np.ndarray
    named: dict[tuple[int, int], float]
    weights: InitVar[Mapping[str, float] | None]
    scores: np.ndarray = field(init=False)

    def __post_init__(self, weights: Mapping[str, float] | None) -> None:
        w = resolve_weights(weights)
        total = sum(w.values())
        score = np.multiply(self.text_concepts, np.float32(w["text_concepts"] / total))
        scratch = np.empty_like(score)
        score += np.multiply(self.text_terms, np.float32(w["text_terms"] / total), out=scratch)
        score += np.take(_FIELD_VALUES * np.float32(w["field"] / total), self.field_level, out=scratch)
        np.add(score, np.float32(w["mode"] / total), out=score, where=self.mode.view(bool))
        score += np.take(_FOCUS_VALUES * np.float32(w["focus"] / total), self.focus_level, out=scratch)
        for (i, j), v in self.named.items():
            score[i, j] += np.float32(w["named_partner"] / total) * np.float32(v)
        self.scores = score

    def matches(self, rows: np.ndarray, cols: np.ndarray) -> list[ScoredMatch]:
        """The pairs (``rows[k]``, ``cols[k]``) as matches with their parts and reasons."""
        pairs = list(zip(rows.tolist(), cols.tolist(), strict=True))
        values = {
            "text_concepts": self.text_concepts[rows, cols].tolist(),
            "text_terms": self.text_terms[rows, cols].tolist(),
            "field": _FIELD_VALUES[self.field_level[rows, cols]].tolist(),
            "mode": self.mode[rows, cols].astype(np.float32).tolist(),
            "named_partner": [self.named.get(ij, 0.0) for ij in pairs],
            "focus": _FOCUS_VALUES[self.focus_level[rows, cols]].tolist(),
        }
        needs, partners, need_vecs, partner_vecs = (
            self.needs,
            self.partners,
            self.need_vecs,
            self.partner_vecs,
        )
        out = []
        for pos, ((i, j), score) in enumerate(zip(pairs, self.scores[rows, cols].tolist(), strict=True)):
            need, partner = needs[i], partners[j]
            parts = {k: v[pos] for k, v in values.items()}
            out.append(
                ScoredMatch(
                    need_id=need.id,
                    partner_id=partner.id,
                    score=score,
                    parts=parts,
                    reasons=pair_reasons(need, partner, parts, need_vecs[i], partner_vecs[j], self.glossary),
                )
            )
        return out


def top_n_per_row(scores: np.ndarray, top_n: int) -> np.ndarray:
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


# --------------------------------------------------------------------------- indexes


class _Index:
    """Documents of one side vectorised once: concept and term matrices, code columns."""

    def __init__(self, docs: list[DocTokens], stats: TermStats | None, glossary: Glossary) -> None:
        self.glossary = glossary
        batch = Batch(docs, stats)
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
        self.spaces = _CodeSpaces()

    def _text_scores(self, q_docs: Sequence[DocTokens]) -> tuple[np.ndarray, np.ndarray, list[ReasonVecs]]:
        """Concept and term cosines of ``q_docs`` × the indexed documents."""
        q = Batch(q_docs, self.stats)
        qc = _concept_matrix(q.concepts, self.concept_columns)
        qt = q.terms_in(self.term_columns)
        sc = np.asarray(qc @ self.concept_matrix_t, dtype=np.float32)
        st = (qt @ self.term_matrix_t).toarray()
        np.minimum(sc, 1.0, out=sc)
        np.minimum(st, 1.0, out=st)
        return sc, st, q.reason_vecs


class PartnerIndex(_Index):
    """The partner directory, vectorised once, for ranking partners against needs.

    With ``processes`` > 1 the partners are featurised in forked worker processes
    (where this process may start them), as :func:`~matching.scoring.rank_all` scores
    needs.
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
            tokens = parallel.map_forked(partial(partner_tokens, glossary=g), self.partners, processes)
        if tokens is None:
            tokens = [partner_tokens(p, g) for p in self.partners]
        super().__init__(tokens, stats, g)
        self.codes = self.spaces.partners(self.partners, add_new=True)
        self.names = _NameIndex([p.names for p in self.partners])

    def score(self, needs: Sequence[NeedDoc], weights: Mapping[str, float] | None = None) -> ScoreBlock:
        """``needs`` × all partners."""
        sc, st, need_vecs = self._text_scores([need_tokens(n, self.glossary) for n in needs])
        levels = _code_levels(self.spaces.needs(needs, add_new=False), self.codes)
        named = self.names.pairs(_wanted(needs))
        return ScoreBlock(
            needs, self.partners, need_vecs, self.vecs, self.glossary, sc, st, *levels, named, weights
        )

    def rank(
        self, needs: Sequence[NeedDoc], top_n: int, weights: Mapping[str, float] | None
    ) -> Iterator[list[ScoredMatch]]:
        """Each need's ``top_n`` best partners (score above 0), best first."""
        block = self.score(needs, weights)
        for i, cols in enumerate(top_n_per_row(block.scores, top_n)):
            cols = cols[block.scores[i, cols] > 0]
            yield block.matches(np.full(len(cols), i), cols)


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
        self.codes = self.spaces.needs(self.needs, add_new=True)
        self.wanted = _wanted(self.needs)

    def score(self, partner: PartnerDoc, weights: Mapping[str, float] | None = None) -> ScoreBlock:
        """All needs × ``partner`` (one column)."""
        sc, st, partner_vecs = self._text_scores([partner_tokens(partner, self.glossary)])
        levels = _code_levels(self.codes, self.spaces.partners([partner], add_new=False))
        named = _NameIndex([partner.names]).pairs(self.wanted)
        return ScoreBlock(
            self.needs, [partner], self.vecs, partner_vecs, self.glossary, sc.T, st.T, *levels, named, weights
        )
