"""Speed and memory benchmark of the scoring engine on synthetic data.

Pure: builds realistic needs and partners from the taxonomy names and the glossary
vocabulary in the scripts and languages of production (needs in Simplified Chinese with
mainland terms; partners in Traditional Chinese with Hong Kong terms, in English, or
mixed), then times a full rescore, one need against all partners and one partner
against all needs. Used by the ``bench_matching`` management command.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import opencc

from .parallel import can_start_processes
from .scoring import (
    COOPERATION_MODES,
    NeedDoc,
    NeedIndex,
    PartnerDoc,
    PartnerIndex,
    load_taxonomy,
    rank_all,
    rank_needs_for_partner,
    rank_partners_for_need,
)
from .scoring.ranking import CHUNK_SIZE
from .scoring.text import Concept, Glossary, default_glossary

_NEED_TEMPLATES = (
    "针对{a}中的关键问题，拟开发基于{b}的{c}技术，",
    "需解决{a}与{b}集成时的稳定性和一致性问题，",
    "现有{a}方案效率低，计划引入{b}和{c}，",
    "目标：{a}性能提升{n}%以上，{b}成本降低{m}%，完成{c}验证。",
)
_BASIS = "公司拥有{a}生产线{n}条、{b}实验室{m}平方米，研发人员{k}人，已完成{c}小试。"
_REQUIREMENTS = "港方需在{a}和{b}方面有研究平台与专利，具备{c}工程化经验。"
_EN_TEMPLATES = (
    "The team develops {a} and {b} for industrial partners.",
    "Its platform combines {a} with {b}, validated in {c} pilots.",
    "Work covers {a}, {b} and {c}, with prototypes and licensed patents.",
    "It offers contract research on {a} and co-development of {b}.",
)
_HANT_TEMPLATES = (
    "團隊研發{a}及{b}，",
    "平台結合{a}與{b}，已於{c}場景試行，",
    "可與企業合作開發{a}，並提供{b}技術授權。",
)


@dataclass
class BenchResult:
    """Timings in seconds/milliseconds and peak resident memory in MB."""

    needs: int
    partners: int
    partner_index_s: float
    need_index_s: float
    full_s: float
    full_cpu_s: float
    one_need_ms_median: float
    one_need_ms_p95: float
    one_partner_ms_median: float
    peak_mb: float
    processes: int = 1
    peak_parent_mb: float = 0.0
    peak_child_mb: float = 0.0

    def as_dict(self) -> dict[str, float]:
        """Flat mapping for JSON output."""
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def _concepts_by_l1(glossary: Glossary) -> dict[str, list[Concept]]:
    out: dict[str, list[Concept]] = {}
    for c in glossary.concepts.values():
        if c.field:
            out.setdefault(c.field.split(".")[0], []).append(c)
    return out


class SyntheticCorpus:
    """Generator of needs and partners that look like production data."""

    def __init__(self, seed: int = 7, glossary: Glossary | None = None) -> None:
        self.rng = random.Random(seed)
        self.glossary = glossary or default_glossary()
        self.taxonomy = load_taxonomy()
        self.by_l1 = _concepts_by_l1(self.glossary)
        self.l1_codes = sorted(self.by_l1)
        self.s2hk = opencc.OpenCC("s2hk")
        self.modes = list(COOPERATION_MODES)

    def _pick(self, l1: str, k: int) -> list[Concept]:
        pool = self.by_l1[l1]
        other = self.by_l1[self.rng.choice(self.l1_codes)]
        # Mostly the own field, sometimes a neighbouring one (needs that span fields).
        return [self.rng.choice(pool if self.rng.random() < 0.8 else other) for _ in range(k)]

    def _zh(self, c: Concept) -> str:
        return self.rng.choice(c.zh_hans) if c.zh_hans else self._en(c)

    def _hant(self, c: Concept) -> str:
        if c.zh_hant:
            return self.rng.choice(c.zh_hant)
        return self.s2hk.convert(self._zh(c))

    def _en(self, c: Concept) -> str:
        return self.rng.choice(c.en) if c.en else c.id.replace("_", " ")

    def _codes(self, l1: str) -> tuple[str, ...]:
        l2 = [c for c in self.taxonomy if c.startswith(l1 + ".") and c.count(".") == 1]
        l3 = [c for c in self.taxonomy if c.count(".") == 2]
        if not l2:
            return (l1,)
        two = self.rng.choice(l2)
        threes = [c for c in l3 if c.startswith(two + ".")]
        if threes and self.rng.random() < 0.6:
            return (l1, two, self.rng.choice(threes))
        return (l1, two)

    def need(self, i: int) -> NeedDoc:
        """One need in Simplified Chinese."""
        rng = self.rng
        l1 = rng.choice(self.l1_codes)
        codes = self._codes(l1)
        terms = [self._zh(c) for c in self._pick(l1, 14)]
        names = tuple(self.taxonomy.get(c, "") for c in codes)
        desc = "".join(
            t.format(a=terms[j], b=terms[j + 1], c=terms[j + 2], n=rng.randint(10, 90), m=rng.randint(5, 50))
            for j, t in enumerate(_NEED_TEMPLATES)
        )
        return NeedDoc(
            id=i,
            title=f"{terms[0]}与{terms[1]}{names[-1]}开发",
            description=desc * 2,
            basis=_BASIS.format(
                a=terms[6],
                b=terms[7],
                c=terms[8],
                n=rng.randint(1, 9),
                m=rng.randint(100, 3000),
                k=rng.randint(10, 90),
            ),
            partner_requirements=_REQUIREMENTS.format(a=terms[9], b=terms[10], c=terms[11]),
            field_codes=codes,
            field_names=names,
            cooperation_modes=tuple(rng.sample(self.modes, 2)),
            named_partner=f"合作伙伴{rng.randint(0, 9999)}" if rng.random() < 0.1 else "",
            focus_field_codes=(l1,) if rng.random() < 0.5 else (),
        )

    def partner(self, i: int) -> PartnerDoc:
        """One partner described in zh-Hant (40%), English (40%) or a mix (20%)."""
        rng = self.rng
        fields = rng.sample(self.l1_codes, rng.choice((1, 1, 2, 3)))
        concepts = [c for f in fields for c in self._pick(f, 12 // len(fields) + 2)]
        lang = rng.random()
        if lang < 0.4:
            parts = [
                t.format(
                    a=self._hant(concepts[j]), b=self._hant(concepts[j + 1]), c=self._hant(concepts[j + 2])
                )
                for j, t in enumerate(_HANT_TEMPLATES * 2)
            ]
            desc = "由香港大學牽頭的研發中心，" + "".join(parts)
            names: tuple[str, ...] = (f"香港{self._hant(concepts[0])}研究中心{i}",)
        elif lang < 0.8:
            parts = [
                t.format(a=self._en(concepts[j]), b=self._en(concepts[j + 1]), c=self._en(concepts[j + 2]))
                for j, t in enumerate(_EN_TEMPLATES * 2)
            ]
            desc = "InnoHK centre led by a Hong Kong university. " + " ".join(parts)
            names = (f"Hong Kong Centre for {self._en(concepts[0]).title()} {i}", f"HKC{i}")
        else:
            desc = "".join(
                f"研究{self._hant(concepts[j])}及 {self._en(concepts[j + 1])}，" for j in range(0, 10, 2)
            )
            names = (f"{self._hant(concepts[0])}實驗室 ({self._en(concepts[1])} Lab {i})",)
        codes = tuple(fields) + tuple(
            self._codes(f)[1] for f in fields if rng.random() < 0.5 and self._codes(f)[1:]
        )
        return PartnerDoc(
            id=i,
            names=names,
            description=desc,
            keywords=tuple(self._hant(c) for c in concepts[:3]) if rng.random() < 0.5 else (),
            field_codes=codes,
            cooperation_modes=tuple(rng.sample(self.modes, rng.randint(0, 3))),
        )

    def needs(self, n: int) -> list[NeedDoc]:
        """``n`` synthetic needs."""
        return [self.need(i) for i in range(n)]

    def partners(self, n: int) -> list[PartnerDoc]:
        """``n`` synthetic partners."""
        return [self.partner(i) for i in range(n)]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size so far, in MB: of this process (``RUSAGE_SELF``) or of the
    largest of its finished child processes (``RUSAGE_CHILDREN``)."""
    peak = resource.getrusage(who).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ms(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def run_benchmark(
    n_needs: int = 10_000,
    n_partners: int = 5_000,
    samples: int = 50,
    top_n: int = 20,
    seed: int = 7,
    processes: int = 1,
) -> BenchResult:
    """Generate data, then time a full rescore and single-document rankings.

    ``full_s`` covers what a full rescore task does after loading rows: building the
    partner index, featurising every need, scoring all pairs and building reasons for
    the kept top-N, with ``processes`` worker processes as the task uses them.

    ``peak_mb`` is an upper bound of the memory held at once: the parent's peak plus,
    for every worker, the peak of the largest worker. Workers run at the same time as
    the parent, so the maxima must be added, not compared; the bound counts pages the
    workers share with the parent (copy-on-write index) once per process, so the real
    figure is lower.
    """
    corpus = SyntheticCorpus(seed)
    needs = corpus.needs(n_needs)
    partners = corpus.partners(n_partners)

    t0 = time.perf_counter()
    c0 = time.process_time() + _children_cpu_s()
    pindex = PartnerIndex(partners, processes=processes)
    t_pindex = time.perf_counter() - t0
    kept = 0
    for matches in rank_all(needs, pindex, top_n=top_n, processes=processes):
        kept += len(matches)
    full_s = time.perf_counter() - t0
    # CPU time of this process and its workers: the wall time above also counts other
    # load on the machine.
    full_cpu_s = time.process_time() + _children_cpu_s() - c0
    peak_child = peak_rss_mb(resource.RUSAGE_CHILDREN)
    # Workers actually started: rank_all falls back to one process where it may not fork.
    chunks = -(-n_needs // CHUNK_SIZE)
    processes_used = min(processes, chunks) if processes > 1 and can_start_processes() and peak_child else 1
    if processes_used == 1:
        peak_child = 0.0

    rng = random.Random(seed)
    one_need = []
    for need in rng.sample(needs, min(samples, len(needs))):
        t = time.perf_counter()
        rank_partners_for_need(need, pindex, top_n=top_n)
        one_need.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    nindex = NeedIndex(needs, stats=pindex.stats)
    t_nindex = time.perf_counter() - t0
    one_partner = []
    for partner in rng.sample(partners, min(samples, len(partners))):
        t = time.perf_counter()
        rank_needs_for_partner(partner, nindex, top_n=top_n)
        one_partner.append(time.perf_counter() - t)

    need_med, need_p95 = _ms(one_need)
    partner_med, _ = _ms(one_partner)
    return BenchResult(
        needs=n_needs,
        partners=n_partners,
        partner_index_s=t_pindex,
        need_index_s=t_nindex,
        full_s=full_s,
        full_cpu_s=full_cpu_s,
        one_need_ms_median=need_med,
        one_need_ms_p95=need_p95,
        one_partner_ms_median=partner_med,
        peak_mb=peak_rss_mb() + processes_used * peak_child,
        processes=processes_used,
        peak_parent_mb=peak_rss_mb(),
        peak_child_mb=peak_child,
    )
