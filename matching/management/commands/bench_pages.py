"""Time the main pages against the configured database, as each persona.

    python manage.py bench_pages [--repeat 20] [--json]

Each page is requested in-process through django.test.Client, logged in with
force_login as the persona that uses it (the seeded accounts of seed_scale
when they exist, otherwise the first active user of the role). One warm-up
request per page counts its SQL queries (CaptureQueriesContext) and gives its
HTTP status; then --repeat timed requests give p50/p95 of the wall time of
the whole request inside this process: middleware, view, queries and template
rendering, without network, web server or browser.

--json prints {"pages": {name: {"p50_ms", "p95_ms", "queries", "status"}}}.
A page that answers anything but 200 keeps its figures and its status; a page
whose persona or object is missing has status null and an "error".
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from matching.models import Match
from needs import workflow
from needs.models import Call, Need
from portal.models import Role, User

SEED_DOMAIN = "@seed.invalid"
HK_QUERY_ZH = "晶片"  # Hong Kong term; the search also tries 芯片
HK_QUERY_EN = "data"
STAFF_PAGE = 100


@dataclass
class Page:
    name: str
    persona: str  # "anonymous", or a role
    url: Callable[[dict], str]


def _hk_need(ctx: dict) -> str:
    return reverse("partners:hk_need_detail", kwargs={"pk": ctx["published_need"]})


PAGES = (
    Page("home", "anonymous", lambda ctx: reverse("home")),
    Page("directory", "anonymous", lambda ctx: reverse("partners:directory")),
    Page("enterprise_home", Role.ENTERPRISE, lambda ctx: reverse("needs:enterprise_home")),
    Page("hk_browse", Role.HK, lambda ctx: reverse("partners:hk_home")),
    Page("hk_search_zh", Role.HK, lambda ctx: reverse("partners:hk_home") + f"?q={HK_QUERY_ZH}"),
    Page("hk_search_en", Role.HK, lambda ctx: reverse("partners:hk_home") + f"?q={HK_QUERY_EN}"),
    Page("need_detail_hk", Role.HK, _hk_need),
    Page("hk_recommended", Role.HK, lambda ctx: reverse("matching:hk_recommended")),
    Page("staff_dashboard", Role.STAFF, lambda ctx: reverse("needs:staff_home")),
    Page("staff_needs", Role.STAFF, lambda ctx: reverse("needs:staff_need_list")),
    Page(
        "staff_needs_page100",
        Role.STAFF,
        lambda ctx: reverse("needs:staff_need_list") + f"?call={ctx['call']}&page={STAFF_PAGE}",
    ),
    Page(
        "staff_need_detail",
        Role.STAFF,
        lambda ctx: reverse("needs:staff_need_detail", kwargs={"pk": ctx["matched_need"]}),
    ),
    Page("staff_shortlist", Role.STAFF, lambda ctx: reverse("needs:staff_shortlist")),
    Page("staff_matching", Role.STAFF, lambda ctx: reverse("matching:needs")),
    Page(
        "staff_need_matches",
        Role.STAFF,
        lambda ctx: reverse("matching:need_matches", kwargs={"pk": ctx["matched_need"]}),
    ),
    Page("review_queue", Role.REVIEWER, lambda ctx: reverse("needs:review_home")),
)


def _persona(role: str) -> User | None:
    users = User.objects.filter(role=role, is_active=True).order_by("pk")
    if role == Role.ENTERPRISE:
        users = users.filter(enterprise__isnull=False)
    if role == Role.HK:
        # The seeded institution with most matches, so "recommended" has rows.
        users = users.filter(partner__isnull=False)
        best = (
            users.filter(partner__matches__isnull=False)
            .order_by("-partner__matches__score")
            .values_list("pk", flat=True)
            .first()
        )
        if best is not None:
            return User.objects.get(pk=best)
    return users.filter(email__endswith=SEED_DOMAIN).first() or users.first()


def _context() -> dict:
    call = Call.objects.filter(is_current=True).values_list("pk", flat=True).first()
    published = (
        Need.objects.filter(status__in=workflow.PUBLISHED, consent_share_hk=True)
        .order_by("-submitted_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    matched = Match.objects.order_by("-need_id").values_list("need_id", flat=True).first()
    return {"call": call or "", "published_need": published, "matched_need": matched}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Time the main pages in-process as each persona (p50/p95 wall time, SQL queries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repeat", type=int, default=20, help="timed requests per page (after one warm-up)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        repeat = max(1, options["repeat"])
        # The test client's host; production settings may not list it.
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
        with override_settings(ALLOWED_HOSTS=hosts):
            results = self._run(repeat, secure)
        if options["json"]:
            self.stdout.write(json.dumps({"pages": results}))
            return
        self.stdout.write(f"{'page':<22}{'status':>7}{'p50 ms':>10}{'p95 ms':>10}{'queries':>9}")
        for name, row in results.items():
            if row.get("error"):
                self.stdout.write(f"{name:<22}{'—':>7}  {row['error']}")
                continue
            self.stdout.write(
                f"{name:<22}{row['status']:>7}{row['p50_ms']:>10.1f}{row['p95_ms']:>10.1f}{row['queries']:>9}"
            )
        self.stdout.write(f"({repeat} timed requests per page after one warm-up; in-process, no network)")

    def _run(self, repeat: int, secure: bool) -> dict:
        context = _context()
        clients: dict[str, Client | None] = {"anonymous": Client()}
        results: dict[str, dict] = {}
        for page in PAGES:
            if page.persona not in clients:
                user = _persona(page.persona)
                client = None
                if user is not None:
                    client = Client()
                    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                clients[page.persona] = client
            client = clients[page.persona]
            if client is None:
                results[page.name] = self._missing(f"no active {page.persona} user")
                continue
            try:
                url = page.url(context)
            except Exception as exc:  # noqa: BLE001 (a missing object is reported, not fatal)
                results[page.name] = self._missing(f"no object for this page ({type(exc).__name__})")
                continue
            results[page.name] = self._measure(client, url, repeat, secure)
        return results

    def _missing(self, error: str) -> dict:
        return {"p50_ms": None, "p95_ms": None, "queries": None, "status": None, "error": error}

    def _measure(self, client: Client, url: str, repeat: int, secure: bool) -> dict:
        # The request_started signal empties the query log; start from empty so
        # the captured slice is this request's queries.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=secure)
        # Read now: captured_queries slices the live log, which the next request empties.
        query_count = len(queries.captured_queries)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url, secure=secure)
            timings.append((time.perf_counter() - started) * 1000)
        return {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(_percentile(timings, 0.95), 1),
            "queries": query_count,
            "status": response.status_code,
        }
