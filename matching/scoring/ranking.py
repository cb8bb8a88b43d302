"""Rankings: the top-N matches of needs, of one need, of one partner, and one pair."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from .. import parallel
from .documents import NeedDoc, PartnerDoc, ScoredMatch
from .features import TermStats
from .index import NeedIndex, PartnerIndex, top_n_per_row
from .text import Glossary

#: Needs scored together by :func:`rank_all`: 512 × 5,000 partners is about 10 MB per
#: float32 part, and a full rescore of 10,000 needs gives 20 chunks to share out.
CHUNK_SIZE = 512


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
            yield from partner_index.rank(needs[start:stop], top_n, weights)
        return
    # The index, the needs and the glossary are hundreds of MB of long-lived objects.
    # Frozen, the collector stops walking them each time the hundreds of thousands of
    # new matches trigger a full collection (a third of the time of unpickling worker
    # results), and forked workers do not copy every page the walk would touch.
    gc.freeze()
    try:
        pool = None
        if processes > 1:
            pool = parallel.ChunkPool.start(needs, partner_index, top_n, weights, bounds, processes)
        if pool is not None:
            yield from pool.results()
        else:
            for start, stop in bounds:
                yield from partner_index.rank(needs[start:stop], top_n, weights)
    finally:
        # Frozen objects are never collected: give them back to the collector.
        gc.unfreeze()


def rank_partners_for_need(
    need: NeedDoc,
    partner_index: PartnerIndex,
    top_n: int = 20,
    weights: Mapping[str, float] | None = None,
) -> list[ScoredMatch]:
    """The ``top_n`` best partners for one need, best first, with reasons."""
    return next(rank_all([need], partner_index, top_n=top_n, weights=weights))


def rank_needs_for_partner(
    partner: PartnerDoc,
    need_index: NeedIndex,
    top_n: int = 20,
    weights: Mapping[str, float] | None = None,
) -> list[ScoredMatch]:
    """The ``top_n`` best needs for one partner, best first, with reasons."""
    block = need_index.score(partner, weights)
    rows = top_n_per_row(block.scores.T, top_n)[0]
    rows = rows[block.scores[rows, 0] > 0]
    return block.matches(rows, np.zeros(len(rows), dtype=np.int64))


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
    the score the ranking functions give; without them all features weigh 1.
    """
    index = PartnerIndex([partner], stats if stats is not None else TermStats.flat(), glossary)
    first = np.zeros(1, dtype=np.int64)
    return index.score([need], weights).matches(first, first)[0]
