"""Pure tests of the evaluation metrics and corpus loading on a tiny hand-made corpus."""

from __future__ import annotations

import json
import math
from io import StringIO

import pytest
from django.core.management import call_command

from matching.evaluation import (
    english_only_needs,
    evaluate,
    invert_qrels,
    load_corpus,
    ndcg_at,
    recall_at,
    reciprocal_rank,
)

TAXONOMY = "code,level,parent_code,name_zh\n02,1,,生物与新医药\n07,1,,资源与环境\n08,1,,先进制造与自动化\n"

PARTNERS = [
    {
        "id": "P1",
        "name": "Textile Recycling Institute",
        "lang": "en",
        "fields": ["资源与环境"],
        "description": "Hydrothermal separation of cotton-polyester blends; polyester fibres recovered for recycling.",
    },
    {
        "id": "P2",
        "name": "醫療機械人中心",
        "lang": "zh-Hant",
        "fields": ["生物与新医药", "先进制造与自动化"],
        "description": "研發手術機械人及內窺鏡機械人平台，具備臨床前驗證能力。",
    },
    {
        "id": "P3",
        "name": "電影學院",
        "lang": "zh-Hant",
        "fields": ["高技术服务"],
        "description": "電影製作教學與研究。",
    },
]
NEEDS = [
    {
        "id": "N1",
        "title": "废旧涤棉混纺纺织品分离回收",
        "field_l1": "资源与环境",
        "description": "开发涤纶与棉纤维的水热分离技术。",
        "basis": "",
        "partner_requirements": "港方需有纺织品回收技术。",
        "cooperation_modes": ["技术转让", "委托团队专家长期技术服务"],
    },
    {
        "id": "N2",
        "title": "柔性内镜手术机器人",
        "field_l1": "生物与新医药",
        "description": "开发手术机器人系统。",
        "basis": "",
        "partner_requirements": "港方需具备手术机器人研发平台。",
        "cooperation_modes": ["共建新研发生产实体"],
    },
]
QRELS = "N1\tP1\t2\nN2\tP2\t2\nN2\tP1\t1\n"


@pytest.fixture
def corpus_paths(tmp_path):
    (tmp_path / "needs.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in NEEDS), "utf-8"
    )
    (tmp_path / "partners.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in PARTNERS), "utf-8"
    )
    (tmp_path / "qrels.tsv").write_text(QRELS, "utf-8")
    (tmp_path / "tech_fields.csv").write_text(TAXONOMY, "utf-8")
    return tmp_path


def test_ndcg_uses_exponential_gain_and_ideal_from_all_judged():
    judged = {"a": 2, "b": 1, "c": 1}
    # a at rank 2, b at rank 1, c not retrieved in the top 3.
    dcg = 1 / math.log2(2) + 3 / math.log2(3)
    idcg = 3 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(["b", "a", "x"], judged, k=3) == pytest.approx(dcg / idcg)
    assert ndcg_at(["a", "b", "c"], judged) == pytest.approx(1.0)
    assert ndcg_at(["x", "y"], judged) == 0.0


def test_recall_and_reciprocal_rank():
    judged = {"a": 2, "b": 1}
    ranking = ["x", "b"] + [f"z{i}" for i in range(9)] + ["a"]
    assert recall_at(ranking, judged, k=10) == 0.5
    assert reciprocal_rank(ranking, judged) == pytest.approx(1 / 12)
    assert reciprocal_rank(["x"], judged) == 0.0


def test_corpus_mapping(corpus_paths):
    corpus = load_corpus(
        corpus_paths / "needs.jsonl",
        corpus_paths / "partners.jsonl",
        corpus_paths / "qrels.tsv",
        corpus_paths / "tech_fields.csv",
    )
    n1, n2 = corpus.needs
    assert n1.field_codes == ("07",) and n1.field_names == ("资源与环境",)
    assert n1.cooperation_modes == ("transfer", "long_term_service")
    assert n2.cooperation_modes == ("new_entity",)
    # 高技术服务 is not in this tiny taxonomy, so it is dropped rather than guessed.
    assert corpus.partners[2].field_codes == ()
    assert corpus.partners[1].field_codes == ("02", "08")
    assert corpus.qrels == {"N1": {"P1": 2}, "N2": {"P2": 2, "P1": 1}}
    assert english_only_needs(corpus) == ["N1"]


def test_evaluate_reports_overall_and_english_only_slice(corpus_paths):
    corpus = load_corpus(
        corpus_paths / "needs.jsonl",
        corpus_paths / "partners.jsonl",
        corpus_paths / "qrels.tsv",
        corpus_paths / "tech_fields.csv",
    )
    result = evaluate(corpus)
    assert result["en_only"]["n"] == 1 and result["rest"]["n"] == 1
    # The English-only recycling partner is found for the Chinese need.
    assert result["per_need"]["N1"]["top5"][0] == "P1"
    assert result["ndcg10_en_only"] == pytest.approx(1.0)
    assert result["mrr"] == pytest.approx(1.0)
    assert set(result) >= {"ndcg10", "recall10", "mrr", "ndcg10_en_only"}


def test_evaluate_with_given_rankings(corpus_paths):
    corpus = load_corpus(
        corpus_paths / "needs.jsonl",
        corpus_paths / "partners.jsonl",
        corpus_paths / "qrels.tsv",
        corpus_paths / "tech_fields.csv",
    )
    worst = {"N1": ["P3", "P2", "P1"], "N2": ["P3", "P1", "P2"]}
    result = evaluate(corpus, rankings=worst)
    assert result["mrr"] == pytest.approx((1 / 3 + 1 / 3) / 2)
    assert result["ndcg10"] < 0.7


def test_partner_direction_ranks_needs_against_inverted_qrels(corpus_paths):
    corpus = load_corpus(
        corpus_paths / "needs.jsonl",
        corpus_paths / "partners.jsonl",
        corpus_paths / "qrels.tsv",
        corpus_paths / "tech_fields.csv",
    )
    assert invert_qrels(corpus.qrels) == {"P1": {"N1": 2, "N2": 1}, "P2": {"N2": 2}}

    result = evaluate(corpus, direction="partners")

    # Each judged partner is a query (P3 is never judged), and its strong need comes first.
    assert set(result["per_need"]) == {"P1", "P2"}
    assert result["per_need"]["P1"]["top5"][0] == "N1"
    assert result["per_need"]["P2"]["top5"][0] == "N2"
    assert result["mrr"] == pytest.approx(1.0)
    # The English slice is the partner described in English.
    assert result["en_only"]["n"] == 1 and result["rest"]["n"] == 1
    assert set(result) >= {"ndcg10", "recall10", "mrr", "ndcg10_en_only"}


def test_command_prints_the_same_keys_in_both_directions(corpus_paths):
    outputs = {}
    for direction in ("needs", "partners"):
        out = StringIO()
        call_command(
            "evaluate_matching",
            needs=str(corpus_paths / "needs.jsonl"),
            partners=str(corpus_paths / "partners.jsonl"),
            qrels=str(corpus_paths / "qrels.tsv"),
            taxonomy=str(corpus_paths / "tech_fields.csv"),
            direction=direction,
            json=True,
            stdout=out,
        )
        outputs[direction] = json.loads(out.getvalue())
    assert (
        set(outputs["partners"]) == set(outputs["needs"]) == {"ndcg10", "recall10", "mrr", "ndcg10_en_only"}
    )
    assert outputs["partners"]["mrr"] == 1.0
