"""Every URL the project defines, visited as every persona."""

import importlib
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.tests.url_access import LOGIN, PERSONAS, Rule

pytestmark = pytest.mark.django_db

APPS = ("portal", "needs", "partners", "matching")
SKIPPED_NAMESPACES = {"admin"}


def _rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.tests.url_rules")
        except ModuleNotFoundError:
            continue
        rules.update(module.RULES)
    return rules


def _world_builders():
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.tests.url_rules")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "build_world"):
            yield module.build_world


RULES = _rules()


def _url_names(patterns, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                continue
            names.add(prefix + pattern.name)
    return names


def test_every_url_has_a_rule():
    defined = _url_names(get_resolver().url_patterns)
    if settings.DEBUG:
        defined.discard("")
    missing = sorted(defined - set(RULES))
    assert not missing, f"URLs without an access rule in <app>/tests/url_rules.py: {missing}"
    stale = sorted(set(RULES) - defined)
    assert not stale, f"Rules for URLs that no longer exist: {stale}"


@pytest.fixture
def world(
    current_call,
    enterprise_user,
    other_enterprise_user,
    new_enterprise_user,
    staff_user,
    reviewer_user,
    hk_user,
    other_hk_user,
    admin_user,
):
    world = SimpleNamespace(
        call=current_call,
        enterprise=enterprise_user.enterprise,
        other_enterprise=other_enterprise_user.enterprise,
        users={
            "anonymous": None,
            "enterprise": enterprise_user,
            "other_enterprise": other_enterprise_user,
            "new_enterprise": new_enterprise_user,
            "staff": staff_user,
            "reviewer": reviewer_user,
            "hk": hk_user,
            "other_hk": other_hk_user,
            "admin": admin_user,
        },
    )
    world.partner = hk_user.partner
    world.other_partner = other_hk_user.partner
    for build in _world_builders():
        build(world)
    return world


@pytest.mark.parametrize("name", sorted(RULES))
def test_url_access(name, world, client_as):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None) + rule.query
    failures = []
    for persona in PERSONAS:
        client = client_as(world.users[persona])
        response = client.get(url)
        expected = rule.expected(persona)
        if expected == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith(reverse("login"))
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{persona}: expected {expected}, got {response.status_code}")
    assert not failures, f"{name} ({url}): " + "; ".join(failures)
