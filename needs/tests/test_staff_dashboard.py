"""Staff dashboard charts, need-list filters and the audit log."""

import pytest
from django.urls import reverse

from needs.models import NeedStatus
from needs.services.screening import need_screen

pytestmark = pytest.mark.django_db


def test_dashboard_counts_by_status_field_city_category_and_mode(make_need, staff_user, client_as):
    make_need(categories=["patent", "core_rnd"], cooperation_modes=["transfer"])
    make_need(status=NeedStatus.ACCEPTED)
    make_need(status=NeedStatus.DRAFT)
    page = client_as(staff_user).get(reverse("needs:staff_home")).content.decode()
    assert 'id="total-needs">2<' in page
    for chart in (
        "chart-status",
        "chart-field",
        "chart-city",
        "chart-category",
        "chart-mode",
        "chart-per-day",
    ):
        assert f'id="{chart}"' in page
    assert "<svg" in page and "南京市" in page and "专利" in page and "技术转让" in page and "已发布" in page
    assert "countdown" in page


def test_need_list_filters(make_need, other_enterprise, staff_user, client_as):
    make_need(title="甲需求专利", categories=["patent"])
    make_need(title="乙需求联合开发", enterprise=other_enterprise, status=NeedStatus.ACCEPTED)
    client = client_as(staff_user)
    url = reverse("needs:staff_need_list")
    page = client.get(url, {"category": "patent"}).content.decode()
    assert "甲需求专利" in page and "乙需求联合开发" not in page
    page = client.get(url, {"status": NeedStatus.ACCEPTED}).content.decode()
    assert "甲需求专利" not in page and "乙需求联合开发" in page
    page = client.get(url, {"q": "乙企业"}).content.decode()
    assert "甲需求专利" not in page and "乙需求联合开发" in page


def test_audit_log_lists_and_filters_staff_actions(make_need, staff_user, admin_user, client_as):
    first, second = make_need(), make_need()
    need_screen(actor=staff_user, need_id=first.pk, to_status=NeedStatus.UNDER_REVIEW)
    need_screen(actor=admin_user, need_id=second.pk, to_status=NeedStatus.ACCEPTED)
    client = client_as(staff_user)
    url = reverse("audit_log")
    page = client.get(url).content.decode()
    assert "need.review" in page and "need.accept" in page
    page = client.get(url, {"action": "need.accept"}).content.decode()
    assert str(second) in page and str(first) not in page
    page = client.get(url, {"actor": staff_user.pk}).content.decode()
    assert "need.review" in page and "need.accept</code>" not in page
    page = client.get(url, {"date_from": "2000-01-01", "date_to": "2000-01-02"}).content.decode()
    assert "没有记录" in page


def test_top_partners_chart_uses_the_acronym_of_an_english_only_name(make_need, staff_user, client_as):
    from matching.models import Match
    from partners.models import Partner, PartnerKind

    lab = Partner.objects.create(
        name_en="AI Chip Center for Emerging Smart Systems (ACCESS)",
        acronym="ACCESS",
        kind=PartnerKind.INNOHK_LAB,
    )
    Match.objects.create(need=make_need(), partner=lab, score=0.5, scorer_version="test")
    page = client_as(staff_user).get(reverse("needs:staff_home")).content.decode()
    assert 'id="chart-partners"' in page
    assert ">ACCESS</text>" in page
