"""Score chunks of a full rescore in forked worker processes.

A full rescore is CPU-bound Python (featurising need texts, building reasons) plus
numpy work, so one process uses one core. Worker processes are started with ``fork``
*after* the partner index is built: they inherit the index and the needs through
copy-on-write memory, so nothing large is pickled. The parent only sends chunk bounds
and receives compact results (partner row, score, parts, reasons).

Pure Python and numpy, no Django: :func:`matching.scoring.rank_all` uses it in the
task, the benchmark and the tests alike.

Workers never touch the database: they inherit the parent's open connection but
leave through ``os._exit`` (as every multiprocessing child does), which closes their
copy of the socket without ending the parent's session.

Where processes cannot be started (a daemonic parent, such as a Celery prefork pool
child; a platform without ``fork``; the process limit reached), :meth:`ChunkPool.start`
returns ``None`` and the caller scores the chunks itself, with the same result.
"""

from __future__ import annotations

import gc
import itertools
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from .scoring.documents import PART_NAMES, NeedDoc, ScoredMatch

if TYPE_CHECKING:
    from .scoring.index import PartnerIndex

logger = logging.getLogger(__name__)

#: What a worker needs to score a chunk, by run token. Set in the parent before the
#: pool forks and read by the children from their inherited copy; keyed so that two
#: rescoring runs in one process (threads) cannot see each other's state.
_STATE: dict[int, tuple[Sequence[NeedDoc], PartnerIndex, int, Mapping[str, float] | None]] = {}
_TOKENS = itertools.count(1)

#: One match as sent back by a worker: partner row, score, part values (in
#: ``PART_NAMES`` order) and reasons. Ids and part names are added back in the parent.
CompactMatch = tuple[int, float, tuple[float, ...], list[dict]]

_START_ERRORS = (AssertionError, OSError, ValueError)

T = TypeVar("T")
R = TypeVar("R")


def can_start_processes() -> bool:
    """Whether this process may fork workers: not daemonic (billiard marks Celery prefork
    pool children daemonic, and multiprocessing refuses children there) and ``fork`` exists."""
    return not multiprocessing.current_process().daemon and "fork" in multiprocessing.get_all_start_methods()


def _watch_parent(parent: int) -> None:
    # A worker blocks on its task queue; if the parent is killed (hard time limit,
    # OOM killer) nothing would ever wake it up, so it leaves on its own.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _init_worker(parent: int) -> None:
    # A forked worker inherits the parent's Python signal handlers (a Celery worker's
    # warm-shutdown handler, for one); a worker only computes, so a stop signal sent to
    # the whole process group just ends it, and the parent's task fails and is retried.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _score_chunk(token: int, start: int, stop: int) -> list[bytes]:
    """Runs in a worker: score needs ``start:stop`` of the inherited run state.

    Each need's matches come back as their own pickle. Waiting results are then a few
    bytes objects, which the collector does not track, instead of hundreds of thousands
    of dictionaries that it would walk on every full collection; the parent unpickles a
    need's matches just before handing them on, so they die young.
    """
    needs, index, top_n, weights = _STATE[token]
    rows = {p.id: j for j, p in enumerate(index.partners)}
    return [
        pickle.dumps(
            [
                (rows[m.partner_id], m.score, tuple(m.parts[k] for k in PART_NAMES), m.reasons)
                for m in matches
            ],
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        for matches in index.rank(needs[start:stop], top_n, weights)
    ]


def _map_chunk(token: int, start: int, stop: int) -> list:
    """Runs in a worker: apply the inherited function to items ``start:stop``."""
    fn, items = _MAP_STATE[token]
    return [fn(item) for item in items[start:stop]]


#: Function and items of :func:`map_forked`, by token (see ``_STATE``).
_MAP_STATE: dict[int, tuple[Callable[[Any], Any], Sequence[Any]]] = {}


def map_forked(
    fn: Callable[[T], R], items: Sequence[T], processes: int, chunk_size: int = 256
) -> list[R] | None:
    """``[fn(x) for x in items]`` in forked worker processes, or ``None`` when processes
    cannot be started here (the caller then maps serially).

    Used to featurise the partner directory before the index is built: featurising is
    pure Python (a few seconds for thousands of partners) and would otherwise run on one
    core while the other waits for the rescore to start.
    """
    bounds = [(s, min(s + chunk_size, len(items))) for s in range(0, len(items), chunk_size)]
    if processes <= 1 or len(bounds) <= 1 or not can_start_processes():
        return None
    token = next(_TOKENS)
    _MAP_STATE[token] = (fn, items)
    gc.freeze()  # see rank_all: workers then copy fewer pages of the parent
    try:
        with ProcessPoolExecutor(
            max_workers=min(processes, len(bounds)),
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_worker,
            initargs=(os.getpid(),),
        ) as executor:
            futures: list[Future[list[R]]] = []
            try:
                # With "fork" every worker is started by the first submit: a refusal shows here.
                for start, stop in bounds:
                    futures.append(executor.submit(_map_chunk, token, start, stop))
            except _START_ERRORS as exc:
                for f in futures:
                    f.cancel()
                logger.warning("matching: could not start worker processes (%r); featurising serially", exc)
                return None
            return [x for f in futures for x in f.result()]
    finally:
        gc.unfreeze()
        _MAP_STATE.pop(token, None)


class ChunkPool:
    """Forked workers scoring chunks of one rescore; results come back in need order.

    At most two chunks per worker are in flight, so results waiting for a slow
    consumer (the task writes each need in its own transaction) stay bounded.
    """

    def __init__(
        self,
        executor: ProcessPoolExecutor,
        token: int,
        needs: Sequence[NeedDoc],
        index: PartnerIndex,
        bounds: Sequence[tuple[int, int]],
        workers: int,
    ) -> None:
        self.executor = executor
        self.token = token
        self.needs = needs
        self.index = index
        self.pending = deque(bounds)
        self.window = 2 * workers
        self.in_flight: deque[tuple[int, int, Future[list[bytes]]]] = deque()

    @classmethod
    def start(
        cls,
        needs: Sequence[NeedDoc],
        index: PartnerIndex,
        top_n: int,
        weights: Mapping[str, float] | None,
        bounds: Sequence[tuple[int, int]],
        processes: int,
    ) -> ChunkPool | None:
        """Fork the workers and queue the first chunks, or return ``None`` (and log why)
        when processes cannot be started here; the caller then scores serially."""
        if not can_start_processes():
            logger.info("matching: cannot start worker processes here (daemonic process); scoring serially")
            return None
        workers = min(processes, len(bounds))
        token = next(_TOKENS)
        _STATE[token] = (needs, index, top_n, weights)
        executor: ProcessPoolExecutor | None = None
        try:
            executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
            pool = cls(executor, token, needs, index, bounds, workers)
            # With "fork" every worker is started by the first submit: a refusal shows here.
            pool._fill()
        except _START_ERRORS as exc:
            _STATE.pop(token, None)
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
            logger.warning(
                "matching: could not start %s worker processes (%r); scoring serially", workers, exc
            )
            return None
        return pool

    def _fill(self) -> None:
        while self.pending and len(self.in_flight) < self.window:
            start, stop = self.pending.popleft()
            self.in_flight.append((start, stop, self.executor.submit(_score_chunk, self.token, start, stop)))

    def results(self) -> Iterator[list[ScoredMatch]]:
        """Each need's matches, in need order. Stopping early (an error in the consumer,
        a soft time limit) cancels the queued chunks and stops the workers."""
        partners = self.index.partners
        try:
            while self.in_flight:
                start, stop, future = self.in_flight.popleft()
                chunk = future.result()
                self._fill()
                for need, blob in zip(self.needs[start:stop], chunk, strict=True):
                    compact: list[CompactMatch] = pickle.loads(blob)
                    yield [
                        ScoredMatch(
                            need_id=need.id,
                            partner_id=partners[j].id,
                            score=score,
                            parts=dict(zip(PART_NAMES, parts, strict=True)),
                            reasons=reasons,
                        )
                        for j, score, parts, reasons in compact
                    ]
        finally:
            self.executor.shutdown(wait=True, cancel_futures=True)
            _STATE.pop(self.token, None)
