"""A full rescore in worker processes gives exactly the serial result, and falls back
to serial scoring where processes cannot be started (a Celery prefork pool child)."""

from __future__ import annotations

import multiprocessing.process

import pytest

from matching import parallel
from matching.benchmark import SyntheticCorpus
from matching.scoring import PartnerIndex, ScoredMatch, rank_all

CHUNK = 16


@pytest.fixture(scope="module")
def corpus() -> tuple[list, PartnerIndex]:
    data = SyntheticCorpus(seed=11)
    needs = data.needs(100)
    return needs, PartnerIndex(data.partners(60))


def as_rows(ranked: list[list[ScoredMatch]]) -> list[list[tuple]]:
    return [[(m.need_id, m.partner_id, m.score, m.parts, m.reasons) for m in ms] for ms in ranked]


@pytest.fixture
def pool_starts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records whether each ChunkPool.start call got a pool (True) or fell back (False)."""
    seen: list[bool] = []
    real = parallel.ChunkPool.start.__func__

    def spy(cls, *args, **kwargs):
        pool = real(cls, *args, **kwargs)
        seen.append(pool is not None)
        return pool

    monkeypatch.setattr(parallel.ChunkPool, "start", classmethod(spy))
    return seen


def test_two_processes_give_exactly_the_serial_matches(corpus, pool_starts):
    needs, index = corpus
    serial = list(rank_all(needs, index, top_n=20, chunk_size=CHUNK))
    forked = list(rank_all(needs, index, top_n=20, chunk_size=CHUNK, processes=2))
    assert pool_starts == [True]
    assert sum(map(len, serial)) > len(needs)  # the corpus gives matches to compare
    assert as_rows(forked) == as_rows(serial)


def test_one_chunk_is_scored_without_starting_processes(corpus, pool_starts):
    needs, index = corpus
    ranked = list(rank_all(needs[:CHUNK], index, top_n=5, chunk_size=CHUNK, processes=2))
    assert pool_starts == []
    assert len(ranked) == CHUNK


def test_daemonic_process_scores_serially(corpus, pool_starts, monkeypatch):
    needs, index = corpus
    serial = list(rank_all(needs, index, top_n=20, chunk_size=CHUNK))

    class DaemonicProcess:
        daemon = True

    monkeypatch.setattr(parallel.multiprocessing, "current_process", lambda: DaemonicProcess())
    fallback = list(rank_all(needs, index, top_n=20, chunk_size=CHUNK, processes=2))
    assert pool_starts == [False]
    assert as_rows(fallback) == as_rows(serial)


def test_refused_process_start_scores_serially(corpus, pool_starts, monkeypatch):
    needs, index = corpus
    serial = list(rank_all(needs, index, top_n=20, chunk_size=CHUNK))

    def refuse(self):
        # What multiprocessing raises in a billiard (Celery prefork) pool child.
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    fallback = list(rank_all(needs, index, top_n=20, chunk_size=CHUNK, processes=2))
    assert pool_starts == [False]
    assert as_rows(fallback) == as_rows(serial)
    assert parallel._STATE == {}


def test_stopping_early_shuts_the_workers_down(corpus):
    needs, index = corpus
    ranked = rank_all(needs, index, top_n=5, chunk_size=CHUNK, processes=2)
    first = next(ranked)
    ranked.close()
    assert first == list(rank_all(needs[:1], index, top_n=5))[0]
    assert parallel._STATE == {}
    assert multiprocessing.active_children() == []


def test_partner_index_featurised_in_processes_equals_the_serial_one(monkeypatch):
    partners = SyntheticCorpus(seed=5).partners(600)
    serial = PartnerIndex(partners)
    forked = PartnerIndex(partners, processes=2)
    assert forked.stats == serial.stats
    assert forked.vecs == serial.vecs
    assert (forked.term_matrix_t != serial.term_matrix_t).nnz == 0
    assert (forked.concept_matrix_t == serial.concept_matrix_t).all()

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        # Not a start refusal: an unexpected error is not hidden by the fallback.
        parallel.map_forked(len, ["a", "bb"] * 300, processes=2)


def test_map_forked_falls_back_when_process_start_is_refused(monkeypatch):
    def refuse(self):
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    assert parallel.map_forked(len, ["a", "bb"] * 300, processes=2) is None
    partners = SyntheticCorpus(seed=5).partners(300)
    assert PartnerIndex(partners, processes=2).vecs == PartnerIndex(partners).vecs
    assert parallel._MAP_STATE == {}
