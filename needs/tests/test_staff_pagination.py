"""Back-office lists keep their filters from page to page."""

import pytest
from django.urls import reverse

from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_need_list_pages_keep_the_filter(client_as, staff_user, make_need):
    for _ in range(51):
        make_need(status="accepted")
    make_need(status="submitted", title="不应出现在已发布筛选中")
    client = client_as(staff_user)
    url = reverse("needs:staff_need_list")

    first = client.get(url, {"status": "accepted"}).content.decode()
    assert "1 / 2" in first
    assert "?status=accepted&amp;page=2" in first

    second = client.get(url, {"status": "accepted", "page": 2}).content.decode()
    assert "2 / 2" in second
    assert "不应出现在已发布筛选中" not in second


def test_audit_log_pages_keep_the_filter(client_as, staff_user):
    AuditEntry.objects.bulk_create(
        [AuditEntry(actor=staff_user, action="need.screen", object_repr=f"需求{i}") for i in range(51)]
        + [AuditEntry(actor=staff_user, action="partner.update", object_repr="其他操作")]
    )
    client = client_as(staff_user)

    first = client.get(reverse("audit_log"), {"action": "need.screen"}).content.decode()
    assert "?action=need.screen&amp;page=2" in first
    second = client.get(reverse("audit_log"), {"action": "need.screen", "page": 2}).content.decode()
    assert "2 / 2" in second
    assert "其他操作" not in second
