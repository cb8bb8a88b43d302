"""Text normalisation, glossary loading and feature extraction for matching.

Needs are written in Simplified Chinese with mainland terms, partners in Traditional
Chinese with Hong Kong terms or in English. Character conversion (OpenCC) aligns the
scripts but not the vocabularies (机器人/機械人, 芯片/晶片, 激光/鐳射) and not the
languages, so every text is also mapped onto *concepts* of a bilingual glossary kept as
data (``matching/data/glossary.tsv``). Two documents that mention the same concept in
different scripts or languages then share a feature.

Everything here is pure Python without Django so that it can run in workers, tests and
benchmarks alike.
"""

from __future__ import annotations

import csv
import operator
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from pathlib import Path

import opencc

GLOSSARY_PATH = Path(__file__).resolve().parent.parent / "data" / "glossary.tsv"

# Separator written between runs that must not be joined by a match (punctuation,
# line breaks). It is neither CJK nor Latin, so no glossary term can contain it.
_SEP = "|"
# Marks the boundary between sections of one document, so that a document is converted
# by OpenCC in one call and split again afterwards.
SECTION_MARK = "\ue000"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_CJK_RUN_RE = re.compile(rf"[{_CJK}]+")
_LATIN_RE = re.compile(r"[a-z0-9]+")

# English function words and generic words of institutional prose. They carry no
# technical meaning, and dropping them keeps the term vectors small.
ENGLISH_STOPWORDS = frozenset(
    """
    a an and are as at be been being both but by can could do does for from has have
    having he her his how i if in into is it its itself may more most no nor not of
    on once only or other our out over own same she should so some such than that the
    their them then there these they this those through to too under until up very was
    we were what when where which while who whom why will with within would you your
    also about after again against all any before below between during each few further
    here off s t just now well via per including include includes such use used uses
    using based work works working new other like many much one two three four five
    centre center university hong kong hk team teams group lab laboratory laboratories
    department institute research develop develops developed developing development
    company companies industry industrial partner partners partnership collaboration
    collaborate collaborates project projects programme program programmes programs
    provide provides offer offers support supports led leading open seek seeks set up
    cover covers span spans area areas focus focused focuses capability capabilities
    application applications technology technologies system systems platform platforms
    innohk health air government funded hkstp hkust hku cuhk polyu cityu hkbu etc
    """.split()
)


@lru_cache(maxsize=65536)
def _stem(token: str) -> str:
    """Reduce an English token to a crude stem shared by spelling variants.

    A full stemmer is not needed: the aim is only that plural and singular, British and
    American spellings of the same technical word meet (fibres/fiber, colour/color,
    characterisation/characterization). Both glossary terms and texts pass through the
    same function, so over-stemming is harmless as long as it is consistent.
    """
    if not token.isalpha() or len(token) <= 3:
        return token
    t = token
    if t.endswith("ies") and len(t) > 4:
        t = t[:-3] + "y"
    elif t.endswith("sses"):
        t = t[:-2]
    elif t.endswith("s") and not t.endswith(("ss", "us", "is", "ys")) and len(t) > 3:
        t = t[:-1]
    for old, new in (("isation", "ization"), ("ising", "izing"), ("ised", "ized")):
        if t.endswith(old):
            t = t[: -len(old)] + new
            break
    if t.endswith("ise") and len(t) > 5:
        t = t[:-3] + "ize"
    if t.endswith(("bre", "tre")) and len(t) > 4:
        t = t[:-2] + "er"
    if t.endswith("our") and len(t) > 5:
        t = t[:-3] + "or"
    if len(t) > 5:
        t = t.replace("ae", "e").replace("oe", "e")
    return t


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # tw2sp converts Traditional characters to Simplified *and* a set of regional phrases
    # (軟體→软件, 晶片→芯片, 演算法→算法, 列印→打印, 影片→视频, 資訊→信息). Hong Kong
    # terms it misses are covered by the glossary's zh-Hant column.
    return opencc.OpenCC("tw2sp")


# Full-width letters and digits (ＡＩ, ３Ｄ) folded to ASCII. Full-width punctuation needs
# no folding: it becomes a separator anyway. Much faster than NFKC on CJK text.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH_RE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_JOINERS_RE = re.compile(r"(?<=[a-z0-9])[\s\-/·_+'’]+(?=[a-z0-9])")
_SPACE_RE = re.compile(r"\s+")
_OTHER_RE = re.compile(rf"[^{_CJK}a-z0-9 \ue000]+")
_WORD_RE = re.compile(r"[a-z]{4,}")


def _stem_match(m: re.Match[str]) -> str:
    return _stem(m.group(0))


def normalise(text: str) -> str:
    """Return the canonical form used for all matching.

    Full-width forms are folded, OpenCC converts Traditional to Simplified (with
    Taiwan/Hong Kong phrase variants), Latin is lower-cased and stemmed, punctuation
    becomes a separator. Latin words are joined by one space (hyphens and slashes
    between them count as spaces: "cell-free" = "cell free"); CJK characters stay
    unspaced so that a CJK term can be found as a substring.
    """
    if not text:
        return ""
    text = _FULLWIDTH_RE.sub(lambda m: m.group(0).translate(_FULLWIDTH), text)
    text = _converter().convert(text).lower()
    text = _WORD_RE.sub(_stem_match, text)
    text = _JOINERS_RE.sub("\x00", text)
    text = _SPACE_RE.sub("", text).replace("\x00", " ")
    return _OTHER_RE.sub(_SEP, text)


@dataclass(frozen=True)
class Concept:
    """One glossary row: a technical concept with its terms in three varieties."""

    id: str
    field: str
    zh_hans: tuple[str, ...]
    zh_hant: tuple[str, ...]
    en: tuple[str, ...]
    broader: tuple[str, ...]

    @property
    def label(self) -> str:
        """Readable label for reasons: mainland term and English term."""
        zh = self.zh_hans[0] if self.zh_hans else (self.zh_hant[0] if self.zh_hant else "")
        en = self.en[0] if self.en else ""
        if zh and en:
            return f"{zh} / {en}"
        return zh or en or self.id


@dataclass
class Glossary:
    """The bilingual glossary, ready for longest-match lookup.

    ``starts`` maps the first word (Latin) or the first two characters (CJK) of every
    term to the lengths of the terms beginning with it, longest first. A scan then costs
    one dictionary lookup per word or character, whatever the size of the glossary.
    """

    concepts: dict[str, Concept]
    term_to_concept: dict[str, str]
    starts: dict[str, tuple[int, ...]]
    ancestors: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    ancestor_sets: dict[str, frozenset[str]] = field(default_factory=dict)

    def match(self, norm_text: str) -> Counter[str]:
        """Count concept occurrences (leftmost-longest, non-overlapping) in a normalised text.

        Latin terms must start and end at word boundaries, so "ai" is not found in
        "said"; CJK terms may start at any character. Candidate starts are filtered in
        one comprehension (a two-character prefix lookup) before the longest-match loop.
        """
        return self.match_with_bigrams(norm_text, None)

    def match_with_bigrams(self, norm_text: str, bigrams: list[str] | None) -> Counter[str]:
        """:meth:`match`, also appending the CJK character bigrams of the text to ``bigrams``
        (one entry per occurrence).

        Both need the same two-character slices; producing them once with C-level
        ``map`` and ``compress`` is what keeps featurisation fast. A list rather than a
        counter: the batch path counts all documents of a chunk at once with numpy.
        """
        counts: Counter[str] = Counter()
        starts = self.starts
        terms = self.term_to_concept
        cands: list[tuple[int, tuple[int, ...]]] = []
        for run in _CJK_RUN_RE.finditer(norm_text):
            text = run.group(0)
            pairs = list(map(operator.add, text, text[1:]))
            if bigrams is not None:
                bigrams.extend(pairs)
            # The last character of a run may start a term continuing into Latin ("光3d").
            pairs.append(norm_text[run.end() - 1 : run.end() + 1])
            first = run.start()
            cands.extend(
                (first + i, starts[pairs[i]])
                for i in compress(range(len(pairs)), map(starts.__contains__, pairs))
            )
        latin = [
            (m.start(), starts[m.group(0)]) for m in _LATIN_RE.finditer(norm_text) if m.group(0) in starts
        ]
        if latin:
            cands.extend(latin)
            cands.sort()
        free = 0
        n = len(norm_text)
        for p, lengths in cands:
            if p < free:
                continue
            for length in lengths:
                end = p + length
                if end > n:
                    continue
                cid = terms.get(norm_text[p:end])
                if cid is None:
                    continue
                if end < n and _is_alnum_latin(norm_text[end - 1]) and _is_alnum_latin(norm_text[end]):
                    continue
                counts[cid] += 1
                free = end
                break
        return counts


def _is_alnum_latin(ch: str) -> bool:
    return "a" <= ch <= "z" or "0" <= ch <= "9"


def _start_key(term: str) -> str:
    """The lookup key of a normalised term: its first word, or its first two characters."""
    if _is_alnum_latin(term[0]):
        m = _LATIN_RE.match(term)
        return m.group(0) if m else term
    return term[:2]


def _split_terms(cell: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in cell.split("|") if t.strip())


def load_glossary(path: Path | str = GLOSSARY_PATH, broader_decay: float = 0.5) -> Glossary:
    """Read the glossary TSV and index its terms.

    Columns: ``concept, field, zh_hans, zh_hant, en, broader``; terms inside a cell are
    separated by ``|``. Lines starting with ``#`` are comments. A term listed under two
    concepts keeps the first (the file is ordered with specific rows before generic
    ones only where that matters; a duplicate is reported by the tests).
    """
    concepts: dict[str, Concept] = {}
    term_to_concept: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        cid = row["concept"].strip()
        concept = Concept(
            id=cid,
            field=(row.get("field") or "").strip(),
            zh_hans=_split_terms(row.get("zh_hans") or ""),
            zh_hant=_split_terms(row.get("zh_hant") or ""),
            en=_split_terms(row.get("en") or ""),
            broader=_split_terms(row.get("broader") or ""),
        )
        concepts[cid] = concept
        for term in (*concept.zh_hans, *concept.zh_hant, *concept.en):
            norm = normalise(term).strip(_SEP)
            if len(norm) < 2 or _SEP in norm:
                continue
            term_to_concept.setdefault(norm, cid)
    grouped: dict[str, set[int]] = {}
    for term in term_to_concept:
        grouped.setdefault(_start_key(term), set()).add(len(term))
    starts = {k: tuple(sorted(v, reverse=True)) for k, v in grouped.items()}
    ancestors = {cid: _ancestors(cid, concepts, broader_decay) for cid in concepts}
    return Glossary(
        concepts,
        term_to_concept,
        starts,
        ancestors,
        labels={cid: c.label for cid, c in concepts.items()},
        ancestor_sets={cid: frozenset(a for a, _ in anc) for cid, anc in ancestors.items()},
    )


def _ancestors(cid: str, concepts: dict[str, Concept], decay: float) -> tuple[tuple[str, float], ...]:
    """Broader concepts of ``cid`` with a weight that halves per level.

    A text about 手术机器人 is also, more weakly, about 机器人 and 医疗器械; this lets
    a specific need meet a partner that only states the general capability.
    """
    found: dict[str, float] = {}
    frontier = [(b, decay) for b in concepts[cid].broader]
    while frontier:
        nxt = []
        for b, w in frontier:
            if b not in concepts or b == cid or found.get(b, 0.0) >= w:
                continue
            found[b] = w
            nxt.extend((bb, w * decay) for bb in concepts[b].broader)
        frontier = nxt
    return tuple(sorted(found.items()))


@lru_cache(maxsize=4)
def default_glossary() -> Glossary:
    """The shipped glossary, loaded once per process."""
    return load_glossary(GLOSSARY_PATH)


def text_tokens(norm_text: str, glossary: Glossary) -> tuple[Counter[str], list[str]]:
    """Directly matched concepts and the surface-term occurrences of one normalised text.

    Surface terms are CJK character bigrams and English word stems (prefixed "w"): they
    catch shared vocabulary the glossary lacks (cfDNA, RFID, BIM) within one language.
    Occurrences are returned uncounted so that a batch of documents can be counted in
    one vectorised step.
    """
    tokens: list[str] = []
    direct = glossary.match_with_bigrams(norm_text, tokens)
    tokens.extend(
        "w" + tok
        for tok in _LATIN_RE.findall(norm_text)
        if len(tok) > 1 and tok not in ENGLISH_STOPWORDS and not tok.isdigit()
    )
    return direct, tokens


def with_ancestors(direct: Counter[str], glossary: Glossary) -> dict[str, float]:
    """Concept weights: direct matches plus decayed broader concepts."""
    out: dict[str, float] = dict(direct)
    for cid, n in direct.items():
        for anc, w in glossary.ancestors.get(cid, ()):
            out[anc] = out.get(anc, 0.0) + w * n
    return out


def glossary_synonyms(term: str, glossary: Glossary | None = None) -> tuple[str, ...]:
    """The mainland and the Hong Kong name of the glossary concept `term`
    names (機械人 → 机器人, 機械人), or () when `term` is not a glossary term.
    For search: a query finds the needs that use the other side's word. Only
    the two main names, not the whole concept: every name is one more
    substring match over the searched columns."""
    g = glossary or default_glossary()
    cid = g.term_to_concept.get(normalise(term).strip(_SEP))
    if cid is None:
        return ()
    concept = g.concepts[cid]
    return tuple(dict.fromkeys((*concept.zh_hans[:1], *concept.zh_hant[:1])))
