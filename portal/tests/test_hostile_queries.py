"""Every page answers hostile query strings without a server error.

The pages come from the apps' `url_rules.py` (the same world as
`test_url_permissions.py`); each is visited by the personas that may see it,
with query parameters that are malformed, out of range or absurd.
"""

import pytest
from django.urls import reverse

from portal.tests.test_url_permissions import RULES, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = (
    "call=abc",
    "call=999999",
    "call=-1",
    "call=99999999999999999999999",
    "call=1.5",
    "page=abc",
    "page=-1",
    "page=0",
    "page=99999999999999999999999",
    "page=1e400",
    "version=abc",
    "version=99999999999999999999999",
    "version=%C2%B2",
    "status=nonsense",
    "status=open&status=closed",
    "state=__class__",
    "sort=__class__",
    "sort=-pk",
    "sort=password",
    "field=../../etc/passwd",
    "field_l1=abc",
    "city=abc",
    "category=abc",
    "cooperation_mode=abc",
    "mode=abc",
    "kind=abc",
    "duplicates=maybe",
    "need=abc&need=def",
    "need=999999&need=999998",
    "need=-1",
    "script=hant&page=abc",
    "q=" + "长" * 5000,
    "q=%25%27%22%3B--",
    "q=%00",
    "call=%00",
    "status=%00",
    "actor=abc&action=%00&date_from=0001-01-01&date_to=9999-12-31",
    "date_from=abc&date_to=99999-99-99",
    "lang=xx&next=//evil.example.com",
)

# A page is visited by each of these personas that may see it.
VISITORS = ("staff", "reviewer", "hk", "enterprise", "anonymous")


def _pages() -> list[str]:
    return sorted(name for name, rule in RULES.items() if rule.ok_status == 200)


@pytest.mark.parametrize("name", _pages())
def test_hostile_query_strings_never_give_a_server_error(name, world, client_as):  # noqa: F811
    rule = RULES[name]
    base = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)
    visitors = [p for p in VISITORS if rule.expected(p) == 200] or ["admin"]
    assert visitors, f"{name}: no persona may see it"
    failures = []
    for persona in visitors:
        client = client_as(world.users[persona])
        for query in HOSTILE_QUERIES:
            url = f"{base}?{query}"
            try:
                response = client.get(url)
            except Exception as exc:  # noqa: BLE001 (the test client re-raises the view's exception)
                failures.append(f"{persona} {url[:120]}: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            if response.status_code >= 500:
                failures.append(f"{persona} {url[:120]}: {response.status_code}")
    assert not failures, "\n".join(failures)
