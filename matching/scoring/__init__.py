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

Modules: :mod:`.documents` (inputs, results, weights, field codes), :mod:`.text`
(normalisation and glossary), :mod:`.features` (TF-IDF vectors), :mod:`.index` (every
part of needs × partners, one implementation for all directions), :mod:`.reasons`
and :mod:`.ranking`. This module names the public API.
"""

from .documents import (
    COOPERATION_MODES,
    DEFAULT_WEIGHTS,
    SCORER_VERSION,
    NeedDoc,
    PartnerDoc,
    ScoredMatch,
    load_taxonomy,
)
from .features import TermStats
from .index import NeedIndex, PartnerIndex
from .ranking import rank_all, rank_needs_for_partner, rank_partners_for_need, score_pair

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
