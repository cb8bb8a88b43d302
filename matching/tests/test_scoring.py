"""Pure tests of the scoring engine on small hand-made needs and partners."""

from __future__ import annotations

import pytest

from matching.scoring import (
    DEFAULT_WEIGHTS,
    NeedDoc,
    NeedIndex,
    PartnerDoc,
    PartnerIndex,
    rank_all,
    rank_needs_for_partner,
    rank_partners_for_need,
    score_pair,
)
from matching.scoring.documents import resolve_weights
from matching.scoring.text import default_glossary, normalise

ORGANOID_NEED = NeedDoc(
    id="n-organoid",
    title="肝脏类器官药物肝毒性评价平台",
    description="建立人源肝脏类器官规模化培养体系，结合单细胞测序分析成熟度，用于药物筛选。",
    basis="公司拥有细胞培养室和高内涵成像系统。",
    partner_requirements="港方需掌握干细胞分化及类器官构建技术。",
    field_codes=("02", "02.01"),
    field_names=("生物与新医药", "医药生物技术"),
    cooperation_modes=("joint_dev", "transfer"),
)
ROBOT_NEED = NeedDoc(
    id="n-robot",
    title="手术机器人芯片与激光定位系统",
    description="开发基于计算机视觉算法的手术机器人，需要低功耗芯片和激光导航，处理术中视频。",
    partner_requirements="港方需有机器人及芯片设计经验。",
    field_codes=("08",),
    field_names=("先进制造与自动化",),
    cooperation_modes=("commissioned",),
)
RECYCLE_NEED = NeedDoc(
    id="n-recycle",
    title="废旧涤棉混纺纺织品分离回收",
    description="开发涤纶与棉纤维的水热分离技术，实现再生利用。",
    field_codes=("07",),
    field_names=("资源与环境",),
)

STEM_CELL_HK = PartnerDoc(
    id="p-stem",
    names=("幹細胞轉化研究中心 (CTSCB)",),
    description="研究多能幹細胞定向分化、肝及腸類器官的建立與擴增，以類器官進行藥物篩選及毒性評估，並有單細胞分析平台。",
    field_codes=("02",),
    cooperation_modes=("joint_dev",),
)
ROBOT_HK = PartnerDoc(
    id="p-robot",
    names=("醫療機械人實驗室",),
    description="研發手術機械人、AI晶片及鐳射導航，以電腦視覺演算法分析手術影片。",
    field_codes=("08", "08.05"),
    cooperation_modes=("commissioned", "joint_dev"),
)
TEXTILE_EN = PartnerDoc(
    id="p-textile",
    names=("Textile Recycling Institute",),
    description=(
        "Develops a hydrothermal process that separates post-consumer cotton-polyester blends; "
        "the polyester fibres are recovered for recycling and re-spinning."
    ),
    field_codes=("07",),
)
FILM_SCHOOL = PartnerDoc(
    id="p-film",
    names=("Academy of Film",),
    description="電影及數碼媒體製作的教學單位，研究電影史與紀錄片，提供創意培訓。",
    field_codes=("05",),
)
PARTNERS = [STEM_CELL_HK, ROBOT_HK, TEXTILE_EN, FILM_SCHOOL]
NEEDS = [ORGANOID_NEED, ROBOT_NEED, RECYCLE_NEED]


def _ids(matches):
    return [m.partner_id for m in matches]


def test_normalise_bridges_scripts_and_spelling():
    assert normalise("晶片 資訊 3D列印") == normalise("芯片 信息 3D打印").replace(" ", "")
    assert normalise("Fibres colour") == normalise("fiber color")
    assert normalise("cell-free DNA") == "cell free dna"


@pytest.mark.parametrize(
    ("mainland", "hong_kong", "concept"),
    [
        ("机器人", "機械人", "robot"),
        ("芯片", "晶片", "microelectronics"),
        ("激光", "鐳射", "laser"),
        ("3D打印", "3D列印", "additive_manufacturing"),
        ("计算机视觉", "電腦視覺", "computer_vision"),
        ("数字孪生", "數碼孿生", "digital_twin"),
        ("算法", "演算法", "algorithm"),
        ("视频", "影片", "video_analytics"),
        ("类器官", "organoid", "organoid"),
    ],
)
def test_glossary_maps_mainland_hong_kong_and_english_terms_to_one_concept(mainland, hong_kong, concept):
    g = default_glossary()
    assert concept in g.match(normalise(mainland))
    assert concept in g.match(normalise(hong_kong))


def test_english_terms_match_only_whole_words():
    g = default_glossary()
    assert "ai" not in g.match(normalise("He said the paint was fine"))
    # "led" is a verb in "HKU-led", not a light-emitting diode.
    assert "led_lighting" not in g.match(normalise("an HKU-led centre"))


def test_glossary_has_no_term_claimed_by_two_concepts():
    g = default_glossary()
    owners: dict[str, str] = {}
    clashes = []
    for concept in g.concepts.values():
        for term in (*concept.zh_hans, *concept.zh_hant, *concept.en):
            key = normalise(term)
            if owners.setdefault(key, concept.id) != concept.id:
                clashes.append((term, owners[key], concept.id))
    assert clashes == []
    assert len(g.concepts) >= 400


def test_broader_concepts_exist():
    g = default_glossary()
    missing = [(c.id, b) for c in g.concepts.values() for b in c.broader if b not in g.concepts]
    assert missing == []


def test_hong_kong_partner_found_for_mainland_need():
    index = PartnerIndex(PARTNERS)
    assert _ids(rank_partners_for_need(ROBOT_NEED, index, top_n=2))[0] == "p-robot"
    assert _ids(rank_partners_for_need(ORGANOID_NEED, index, top_n=2))[0] == "p-stem"


def test_english_only_partner_found_for_chinese_need():
    index = PartnerIndex(PARTNERS)
    top = rank_partners_for_need(RECYCLE_NEED, index, top_n=4)
    assert top[0].partner_id == "p-textile"
    assert top[0].parts["text_concepts"] > 0.2


def test_decoy_scores_below_real_partner():
    index = PartnerIndex(PARTNERS)
    scores = {m.partner_id: m.score for m in rank_partners_for_need(ROBOT_NEED, index, top_n=4)}
    assert scores.get("p-film", 0.0) < scores["p-robot"] / 3


def test_reasons_are_readable():
    index = PartnerIndex(PARTNERS)
    match = rank_partners_for_need(ORGANOID_NEED, index, top_n=1)[0]
    texts = {r["code"]: r["text"] for r in match.reasons}
    assert "类器官 / organoid" in texts["shared_concepts"]
    assert texts["shared_concepts"].startswith("共同技术词: ")
    assert texts["same_field_l1"] == "同一大类领域: 生物与新医药"
    assert texts["mode_fit"] == "合作方式相符: 联合开发"
    for reason in match.reasons:
        assert set(reason) == {"code", "text", "params"}


def test_field_agreement_second_level_beats_first_level():
    need = NeedDoc(
        id=1,
        title="机器人",
        field_codes=("08", "08.05", "08.05.01"),
        field_names=("先进制造与自动化", "新型机械", "机械基础件及制造技术"),
    )
    same_l2 = PartnerDoc(id="a", names=("A",), description="機械人", field_codes=("08", "08.05"))
    same_l1 = PartnerDoc(id="b", names=("B",), description="機械人", field_codes=("08",))
    other = PartnerDoc(id="c", names=("C",), description="機械人", field_codes=("01",))
    parts = {p.id: score_pair(need, p).parts["field"] for p in (same_l2, same_l1, other)}
    assert parts == pytest.approx({"a": 1.0, "b": 0.6, "c": 0.0})
    reasons = {r["code"]: r["text"] for r in score_pair(need, same_l2).reasons}
    assert reasons["same_field"] == "同一领域: 先进制造与自动化 › 新型机械"


def test_cooperation_mode_fit():
    need = NeedDoc(id=1, title="芯片", cooperation_modes=("equity",))
    offers = PartnerDoc(id="a", names=("A",), description="晶片", cooperation_modes=("equity", "transfer"))
    silent = PartnerDoc(id="b", names=("B",), description="晶片")
    assert score_pair(need, offers).parts["mode"] == 1.0
    assert score_pair(need, silent).parts["mode"] == 0.0
    assert score_pair(need, offers).score > score_pair(need, silent).score


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        ("MRC", 1.0),
        ("醫療機械人創新技術中心", 1.0),
        ("香港中文大学医疗机械人创新技术中心（MRC）", 1.0),
        ("香港中文大学", 0.5),
        ("香港大学", 0.0),
        ("", 0.0),
    ],
)
def test_named_partner(named, expected):
    partner = PartnerDoc(
        id="mrc", names=("香港中文大學醫療機械人創新技術中心 (MRC)", "Multi-Scale Medical Robotics Center")
    )
    need = NeedDoc(id=1, title="手术机器人", named_partner=named)
    match = score_pair(need, partner)
    assert match.parts["named_partner"] == expected
    if expected == 1.0:
        assert match.reasons[0]["text"] == "企业已点名该机构"


def test_named_partner_outranks_an_equally_relevant_one():
    twin = PartnerDoc(
        id="p-twin", names=("Organoid Unit",), description=STEM_CELL_HK.description, field_codes=("02",)
    )
    need = NeedDoc(id=1, title="肝脏类器官药物肝毒性评价平台", named_partner="Organoid Unit")
    top = rank_partners_for_need(need, PartnerIndex([STEM_CELL_HK, twin, FILM_SCHOOL]), top_n=2)
    assert [m.partner_id for m in top] == ["p-twin", "p-stem"]
    assert top[0].score - top[1].score > 0.2


def test_focus_fields():
    partner = PartnerDoc(id="a", names=("A",), description="類器官", field_codes=("02", "02.01"))
    l1_only = PartnerDoc(id="b", names=("B",), description="類器官", field_codes=("02",))
    need = NeedDoc(id=1, title="类器官", focus_field_codes=("02.01",))
    assert score_pair(need, partner).parts["focus"] == 1.0
    assert score_pair(need, l1_only).parts["focus"] == 0.5
    assert score_pair(NeedDoc(id=2, title="类器官", focus_field_codes=("01",)), partner).parts["focus"] == 0.0
    texts = [r["text"] for r in score_pair(need, partner).reasons]
    assert "属于本批次重点领域: 医药生物技术" in texts


def _focus_named_needs():
    return [
        *NEEDS,
        NeedDoc(
            id="n-focus",
            title="机器人视觉算法",
            description="开发机器人激光导航",
            field_codes=("08", "08.05"),
            cooperation_modes=("commissioned",),
            focus_field_codes=("08.05", "02"),
            named_partner="醫療機械人實驗室",
        ),
        NeedDoc(
            id="n-named-parent",
            title="纺织回收",
            named_partner="Textile Recycling",
            focus_field_codes=("07.03",),
        ),
    ]


def test_vectorised_ranking_agrees_with_score_pair():
    needs = _focus_named_needs()
    index = PartnerIndex(PARTNERS)
    for need, matches in zip(needs, rank_all(needs, index, top_n=len(PARTNERS)), strict=True):
        assert matches, need.id
        for m in matches:
            partner = next(p for p in PARTNERS if p.id == m.partner_id)
            single = score_pair(need, partner, stats=index.stats)
            assert m.score == pytest.approx(single.score, abs=1e-5)
            for key in DEFAULT_WEIGHTS:
                assert m.parts[key] == pytest.approx(single.parts[key], abs=1e-5), key
            assert m.reasons == single.reasons
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_rank_needs_for_partner_agrees_with_score_pair():
    needs = _focus_named_needs()
    pindex = PartnerIndex(PARTNERS)
    nindex = NeedIndex(needs, stats=pindex.stats)
    for partner in PARTNERS:
        for m in rank_needs_for_partner(partner, nindex, top_n=len(needs)):
            need = next(n for n in needs if n.id == m.need_id)
            single = score_pair(need, partner, stats=pindex.stats)
            assert m.score == pytest.approx(single.score, abs=1e-5)
            for key in DEFAULT_WEIGHTS:
                assert m.parts[key] == pytest.approx(single.parts[key], abs=1e-5), key


def test_rank_all_chunks_give_the_same_result():
    needs = _focus_named_needs()
    index = PartnerIndex(PARTNERS)
    whole = [[(m.partner_id, round(m.score, 6)) for m in ms] for ms in rank_all(needs, index, top_n=3)]
    chunked = [
        [(m.partner_id, round(m.score, 6)) for m in ms]
        for ms in rank_all(needs, index, top_n=3, chunk_size=2)
    ]
    assert whole == chunked
    assert all(len(ms) <= 3 for ms in whole)


def test_weights_change_the_score_and_are_validated():
    index = PartnerIndex(PARTNERS)
    text_only = {k: (1.0 if k == "text_concepts" else 0.0) for k in DEFAULT_WEIGHTS}
    m = rank_partners_for_need(ORGANOID_NEED, index, top_n=1, weights=text_only)[0]
    assert m.score == pytest.approx(m.parts["text_concepts"], abs=1e-5)
    with pytest.raises(ValueError):
        resolve_weights({"txet": 1.0})
    assert resolve_weights({}) == DEFAULT_WEIGHTS


def test_scores_are_between_zero_and_one():
    index = PartnerIndex(PARTNERS)
    for matches in rank_all(_focus_named_needs(), index, top_n=len(PARTNERS)):
        for m in matches:
            assert 0.0 <= m.score <= 1.0
            assert all(0.0 <= v <= 1.0 for v in m.parts.values())
