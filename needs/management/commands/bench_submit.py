"""Time N enterprises submitting their drafts at the same moment.

    python manage.py bench_submit --concurrent 12 [--deadline-in SECONDS] [--keep] [--json]

Creates N enterprises, each with one user and one complete draft in the
current call (through need_save_draft), then N threads, each with its own
database connection, call needs.services.submission.need_submit at once. A
duration is the wall time of one need_submit call: the whole service
transaction with its locks, the commit, and what runs on commit: queueing the
Celery jobs (scoring, duplicate check, receipt), not running them. With
REDIS_URL the jobs go to Redis as in production (a worker, if one runs, finds
the needs gone after the clean-up and does nothing); without it they go to
Celery's in-process memory queue and are dropped at exit.

--deadline-in moves the call's deadline that many seconds past the moment the
threads start (restored afterwards); `refused_in_time` counts submissions sent
before it that were refused.

The enterprises, users and needs it created are deleted at the end (with
their matches and jobs), and the year's reference counter is put back unless
someone else took a number meanwhile; --keep leaves them. On SQLite the
threads take turns (SQLite has one writer), so the figures mean something on
PostgreSQL only.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
import uuid
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from needs.errors import NeedError
from needs.models import Call, Enterprise, Need, ReferenceCounter, TechField
from needs.services import submission
from portal.celery import app as celery_app
from portal.models import Role, User

BENCH_DOMAIN = "@bench-submit.invalid"


def _fields(leaf: TechField, n: int) -> dict:
    l2 = leaf.parent
    return {
        "title": f"并发提交测试需求{n}：{leaf.name_zh}关键技术研发",
        "field_l1": l2.parent,
        "field_l2": l2,
        "field_l3": leaf,
        "intended_investment": 500,
        "total_investment": 1200,
        "categories": ["core_rnd"],
        "description": f"围绕{leaf.name_zh}开展关键技术攻关，良品率提升至95%以上。",
        "basis": "已建成中试线，研发团队20人。",
        "partner_requirements": "港方团队需有相关原创成果。",
        "partner_role": "联合攻关，参与验证。",
        "has_intended_partner": False,
        "intended_partner_name": "",
        "cooperation_modes": ["joint_dev"],
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


class Command(BaseCommand):
    help = "Submit N complete drafts at once from N threads through need_submit; time each submission."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrent", type=int, default=12)
        parser.add_argument(
            "--deadline-in", type=float, default=None, help="move the deadline this many seconds ahead"
        )
        parser.add_argument("--keep", action="store_true", help="keep the enterprises, users and needs")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options) -> None:
        count = max(1, options["concurrent"])
        call = Call.objects.filter(is_current=True).first()
        if call is None or not call.is_open():
            raise CommandError("No current call open now: run manage.py seed_scale (or load_demo) first.")
        leaf = TechField.objects.filter(level=3).select_related("parent__parent").first()
        if leaf is None:
            raise CommandError("Load the reference data first: manage.py load_reference")
        serialise = connection.vendor == "sqlite"
        if serialise:
            self.stderr.write(
                "SQLite has one writer: the threads take turns, so these figures say nothing about "
                "concurrency. Measure on PostgreSQL (DATABASE_URL)."
            )
        counter_before = (
            ReferenceCounter.objects.filter(year=call.year).values_list("last_number", flat=True).first()
        )
        original_deadline = call.deadline
        drafts = self._drafts(call, leaf, count)
        # Without REDIS_URL Celery runs every job inside need_submit's caller
        # (scoring, duplicate check, receipt): not what a web request does. The
        # broker is then the in-process memory transport, so queue the jobs
        # there instead; they are never run.
        eager = bool(celery_app.conf.task_always_eager)
        celery_mode = "in-memory queue (jobs not run)" if eager else "broker"
        celery_app.conf.task_always_eager = False
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                outcomes, deadline = self._submit_all(call, drafts, options["deadline_in"], serialise)
            statuses = dict(Need.objects.filter(pk__in=[d[2].pk for d in drafts]).values_list("pk", "status"))
        finally:
            celery_app.conf.task_always_eager = eager
            if options["deadline_in"] is not None:
                Call.objects.filter(pk=call.pk).update(deadline=original_deadline)
            if not options["keep"]:
                self._cleanup(call, drafts, counter_before)
        durations = [o["duration_s"] for o in outcomes]
        result = {
            "concurrent": count,
            "database": connection.vendor,
            "celery": celery_mode,
            "submitted": sum(1 for o in outcomes if not o["refused"] and not o["failed"]),
            "failed": sum(1 for o in outcomes if o["failed"]),
            "refused": sum(1 for o in outcomes if o["refused"]),
            "refused_in_time": sum(
                1 for o in outcomes if o["refused"] and o.get("sent_at") and o["sent_at"] < deadline
            ),
            "max_s": round(max(durations), 3),
            "p95_s": round(_percentile(durations, 0.95), 3),
            "median_s": round(statistics.median(durations), 3),
            "submissions": [
                {
                    "duration_s": round(o["duration_s"], 3),
                    "refused": o["refused"],
                    "failed": o["failed"],
                    "error": o["error"],
                    "status": statuses.get(o["need_id"], ""),
                }
                for o in outcomes
            ],
            "kept": bool(options["keep"]),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for n, row in enumerate(result["submissions"], 1):
            outcome = f"refused: {row['error']}" if row["refused"] or row["failed"] else row["status"]
            self.stdout.write(f"  #{n:<3} {row['duration_s']:>8.3f} s  {outcome}")
        self.stdout.write(
            f"{count} concurrent submissions on {result['database']}: max {result['max_s']} s, "
            f"p95 {result['p95_s']} s, median {result['median_s']} s; refused {result['refused']} "
            f"(refused although sent in time: {result['refused_in_time']})"
        )

    def _drafts(self, call: Call, leaf: TechField, count: int) -> list[tuple[User, Enterprise, Need, dict]]:
        run = uuid.uuid4().hex[:8]
        drafts = []
        for n in range(count):
            enterprise = Enterprise.objects.create(
                name=f"并发提交测试企业{run}-{n + 1}",
                credit_code=f"BS{run}{n + 1:08d}"[:18],
                division_id=None,
                contact_name="测试联系人",
                contact_phone="025-85485892",
                contact_email=f"bench-{run}-{n + 1}{BENCH_DOMAIN}",
            )
            user = User.objects.create_user(
                email=f"bench-{run}-{n + 1}{BENCH_DOMAIN}", role=Role.ENTERPRISE, enterprise=enterprise
            )
            fields = _fields(leaf, n + 1)
            need = submission.need_save_draft(
                user=user, enterprise=enterprise, call=call, need_id=None, fields=fields
            )
            drafts.append((user, enterprise, need, fields))
        return drafts

    def _submit_all(self, call: Call, drafts: list, deadline_in: float | None, serialise: bool):
        start = threading.Barrier(len(drafts) + 1)
        turn = threading.Lock()
        outcomes: list[dict] = []
        record = threading.Lock()

        def submit(user: User, enterprise: Enterprise, need: Need) -> None:
            outcome = {"need_id": need.pk, "refused": False, "failed": False, "error": "", "duration_s": 0.0}
            try:
                # What the enterprise sends is what its draft holds.
                fields = {name: getattr(need, name) for name in submission.NEED_FIELDS}
                start.wait(timeout=120)
                outcome["sent_at"] = timezone.now()
                began = time.perf_counter()
                try:
                    if serialise:
                        with turn:
                            self._submit(user, enterprise, call, need, fields)
                    else:
                        self._submit(user, enterprise, call, need, fields)
                except NeedError as error:
                    outcome["refused"], outcome["error"] = True, str(error)
                except Exception as error:  # noqa: BLE001 (reported with the figures, not raised)
                    outcome["failed"], outcome["error"] = True, f"{type(error).__name__}: {error}"
                outcome["duration_s"] = time.perf_counter() - began
            finally:
                connection.close()
                with record:
                    outcomes.append(outcome)

        threads = [threading.Thread(target=submit, args=(u, e, n)) for u, e, n, _f in drafts]
        for thread in threads:
            thread.start()
        deadline = call.deadline
        if deadline_in is not None:
            deadline = timezone.now() + timedelta(seconds=deadline_in)
            Call.objects.filter(pk=call.pk).update(deadline=deadline)
        start.wait(timeout=120)
        for thread in threads:
            thread.join()
        return outcomes, deadline

    def _submit(self, user: User, enterprise: Enterprise, call: Call, need: Need, fields: dict) -> None:
        submission.need_submit(
            user=user,
            enterprise=enterprise,
            call=call,
            need_id=need.pk,
            fields=fields,
            consent_share_hk=True,
            consent_contact_release=True,
        )

    def _cleanup(self, call: Call, drafts: list, counter_before: int | None) -> None:
        need_ids = [need.pk for _u, _e, need, _f in drafts]
        with transaction.atomic():
            references = sorted(
                r for r in Need.objects.filter(pk__in=need_ids).values_list("reference", flat=True) if r
            )
            Need.objects.filter(pk__in=need_ids).delete()
            User.objects.filter(pk__in=[u.pk for u, _e, _n, _f in drafts]).delete()
            Enterprise.objects.filter(pk__in=[e.pk for _u, e, _n, _f in drafts]).delete()
            if references:
                # Give the numbers back only if they were the last ones handed out.
                last = int(references[-1].rsplit("-", 1)[1])
                ReferenceCounter.objects.filter(year=call.year, last_number=last).update(
                    last_number=counter_before or 0
                )
