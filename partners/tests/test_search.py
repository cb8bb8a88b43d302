"""Cross-script search and the filters of the Hong Kong need list."""

import pytest
from django.urls import reverse

from partners.tests.conftest import make_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(enterprise, other_enterprise, current_call):
    return {
        "chip": make_need(enterprise, current_call, title="芯片封装测试工艺", description="提高封装良率。"),
        "data": make_need(
            enterprise,
            current_call,
            title="工业大数据平台",
            description="建设数据中台。",
            field_l1_id="01",
            field_l2_id="01.01",
            categories=["product_rnd"],
            cooperation_modes=["transfer"],
        ),
        "ai": make_need(
            other_enterprise,
            current_call,
            title="人工智能醫療影像輔助診斷",
            description="以深度學習分析醫學影像。",
            field_l1_id="02",
            field_l2_id="02.05",
            categories=["patent"],
            cooperation_modes=["commissioned"],
        ),
    }


def _titles(client, query: str) -> set[str]:
    data = client.get(reverse("partners:hk_need_json") + query).json()
    return {row["title"] for row in data["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("晶片", "芯片封装测试工艺"),  # Taiwan/HK vocabulary finds the mainland word
        ("數據", "工业大数据平台"),  # Traditional characters find Simplified text
        ("封裝", "芯片封装测试工艺"),
        ("人工智能医疗", "人工智能醫療影像輔助診斷"),  # Simplified finds Traditional text
        ("人工智能醫療", "人工智能醫療影像輔助診斷"),
        ("深度学习", "人工智能醫療影像輔助診斷"),
    ],
)
def test_search_across_scripts(query, expected, needs, client_as, hk_user):
    assert expected in _titles(client_as(hk_user), f"?q={query}")


def test_every_word_must_match(needs, client_as, hk_user):
    client = client_as(hk_user)
    assert _titles(client, "?q=晶片 良率") == {"芯片封装测试工艺"}
    assert _titles(client, "?q=晶片 醫療") == set()


def test_search_on_the_html_page(needs, client_as, hk_user):
    body = client_as(hk_user).get(reverse("partners:hk_home") + "?q=晶片").content.decode()
    assert "芯片封装测试工艺" in body and "工业大数据平台" not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?field=02", {"人工智能醫療影像輔助診斷"}),
        ("?field=01.01", {"工业大数据平台"}),
        ("?category=patent", {"人工智能醫療影像輔助診斷"}),
        ("?mode=transfer", {"工业大数据平台"}),
        ("?category=core_rnd&mode=joint_dev", {"芯片封装测试工艺"}),
    ],
)
def test_filters(query, expected, needs, client_as, hk_user):
    assert _titles(client_as(hk_user), query) == expected


def test_city_filter(needs, client_as, hk_user):
    # Both enterprises are in 320102 (玄武区), a district of 南京市 (320100).
    client = client_as(hk_user)
    assert len(_titles(client, "?city=320100")) == 3
    assert _titles(client, "?city=320200") == set()


def test_pagination(enterprise, current_call, client_as, hk_user):
    for number in range(25):
        make_need(enterprise, current_call, title=f"需求{number:02d}")
    client = client_as(hk_user)
    first = client.get(reverse("partners:hk_home") + "?sort=title").content.decode()
    second = client.get(reverse("partners:hk_home") + "?sort=title&page=2").content.decode()
    assert "需求00" in first and "需求24" not in first
    assert "需求24" in second


def test_script_switch_shows_hong_kong_traditional(needs, client_as, hk_user):
    client = client_as(hk_user)
    url = reverse("partners:hk_need_detail", kwargs={"pk": needs["data"].pk})
    original = client.get(url).content.decode()
    converted = client.get(url + "?script=hant").content.decode()
    assert "工业大数据平台" in original
    assert "工業大數據平台" in converted and "工业大数据平台" not in converted
    assert 'id="script-original"' in converted


def test_hong_kong_vocabulary_finds_the_mainland_word_through_the_glossary(
    enterprise, current_call, client_as, hk_user
):
    make_need(enterprise, current_call, title="协作机器人视觉引导", description="产线装配。")
    make_need(enterprise, current_call, title="锂电池隔膜涂布", description="提高一致性。")
    client = client_as(hk_user)

    # 機械人 is the Hong Kong word; OpenCC alone turns it into 机械人, which the need does not use.
    assert _titles(client, "?q=機械人") == {"协作机器人视觉引导"}
    body = client.get(reverse("partners:hk_home") + "?q=機械人").content.decode()
    assert "協作機器人視覺引導" in body or "协作机器人视觉引导" in body
