"""Fill the configured database with a call at scale, for measurements.

    python manage.py seed_scale --needs 10000 --partners 5000 --enterprises 2000 \
        [--matches-per-need 20] [--seed 7] [--password seed-pass-2026] [--force]

One current call open now; enterprises across Jiangsu's divisions; needs in
every status (drafts, submitted, under review, returned, published, not
selected, withdrawn) with mixed consents and texts built from the
technology-field taxonomy; Hong Kong partners of every kind with their fields;
the top matches of every matchable need in the shape the scorer writes; one
Hong Kong user per 50 partners, a staff user, a reviewer and one user per
enterprise. Rows are written with bulk_create, in one transaction.

This is a measurement fixture, not a second write path: it writes finished
states directly and does not go through the services (no audit entries, no
Celery jobs, no e-mail). Every seeded account's e-mail ends in @seed.invalid
and all share one password (hashed once, so seeding stays fast). The command
refuses a database that holds other accounts unless --force, and a database
seeded before (drop and recreate it to seed again).
"""

from __future__ import annotations

import csv
import io
import json
import random
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from matching.models import Match, MatchRun, RunKind, RunStatus, RunTrigger
from matching.scoring import COOPERATION_MODES, DEFAULT_WEIGHTS, SCORER_VERSION
from needs import workflow
from needs.models import (
    Call,
    CooperationMode,
    Division,
    Enterprise,
    EnterpriseType,
    HiTechZone,
    Industry,
    MatchingState,
    Need,
    NeedCategory,
    NeedStatus,
    ReferenceCounter,
    ReviewScore,
    ScreeningEvent,
    ScreeningReason,
    TechField,
)
from needs.services.review import default_criteria, rubric_for_call
from needs.services.screening import need_public_snapshot
from partners.models import Partner, PartnerKind
from partners.scripts import to_hant_hk
from portal.models import Role, User

SEED_DOMAIN = "@seed.invalid"
STAFF_EMAIL = f"staff{SEED_DOMAIN}"
REVIEWER_EMAIL = f"reviewer{SEED_DOMAIN}"
DEFAULT_PASSWORD = "seed-pass-2026"
CALL_TITLE_SUFFIX = "（规模测试数据）"
BATCH = 2000
PARTNERS_PER_HK_USER = 50
WEIGHTS = dict(DEFAULT_WEIGHTS)
WEIGHT_TOTAL = sum(WEIGHTS.values())
MATCH_COLUMNS = (
    "need_id",
    "partner_id",
    "score",
    "parts",
    "reasons",
    "scorer_version",
    "run_id",
    "created_at",
)

# Share of each status among the seeded needs.
STATUS_MIX = (
    (NeedStatus.DRAFT, 10),
    (NeedStatus.SUBMITTED, 20),
    (NeedStatus.UNDER_REVIEW, 15),
    (NeedStatus.RETURNED, 5),
    (NeedStatus.ACCEPTED, 40),
    (NeedStatus.NOT_SELECTED, 5),
    (NeedStatus.WITHDRAWN, 5),
)

# Technical terms the texts are built around: mainland term, Hong Kong term,
# English term and the glossary concept (matching/data/glossary.tsv). Search
# benchmarks look for 晶片 (finds 芯片), 數據 and "data".
KEYWORDS = (
    ("机器人", "機械人", "robot", "robot"),
    ("芯片", "晶片", "chip", "microelectronics"),
    ("数据分析", "數據分析", "data analytics", "big_data"),
    ("人工智能", "人工智能", "AI", "ai"),
    ("传感器", "傳感器", "sensor", "sensor"),
    ("物联网", "物聯網", "IoT", "iot"),
    ("锂电池", "鋰電池", "battery", "battery"),
    ("储能", "儲能", "energy storage", "energy_storage"),
    ("新材料", "新物料", "advanced materials", "new_materials"),
    ("光伏", "光伏", "photovoltaic", "photovoltaic"),
    ("医疗器械", "醫療器械", "medical device", "medical_device"),
    ("机器视觉", "機器視覺", "machine vision", "computer_vision"),
)

TITLES = (
    "{l3}关键技术研发",
    "基于{kw}的{l3}系统开发",
    "{kw}在{l3}中的应用与产业化",
    "面向{l2}的{kw}平台建设",
    "{l3}工艺升级与{kw}集成",
    "{l3}新产品联合开发",
)

PARTNER_KINDS = (
    (PartnerKind.UNIVERSITY_LAB, 35),
    (PartnerKind.COMPANY, 30),
    (PartnerKind.RD_CENTRE, 15),
    (PartnerKind.INSTITUTE, 12),
    (PartnerKind.INNOHK_LAB, 5),
    (PartnerKind.PARK, 1),
)
KIND_WORDS = {
    PartnerKind.UNIVERSITY_LAB: ("研究實驗室", "Laboratory"),
    PartnerKind.COMPANY: ("科技有限公司", "Technology Limited"),
    PartnerKind.RD_CENTRE: ("研發中心", "R&D Centre"),
    PartnerKind.INSTITUTE: ("研究所", "Research Institute"),
    PartnerKind.INNOHK_LAB: ("InnoHK 創新實驗室", "InnoHK Lab"),
    PartnerKind.PARK: ("科技園", "Science Park"),
}


def _pick_weighted(rng: random.Random, mix) -> str:
    values, weights = zip(*mix, strict=True)
    return rng.choices(values, weights=weights)[0]


def _write_matches(rows: list[tuple]) -> int:
    """Insert match rows (MATCH_COLUMNS). On PostgreSQL through COPY: building
    200,000 model instances and their JSON parameters would take most of the
    seeding time; elsewhere through bulk_create."""
    if not rows:
        return 0
    with connection.cursor() as cursor:
        copy = getattr(cursor.cursor, "copy_expert", None) if connection.vendor == "postgresql" else None
        if copy is not None:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for need_id, partner_id, score, parts, reasons, version, run_id, created in rows:
                writer.writerow(
                    (
                        need_id,
                        partner_id,
                        score,
                        json.dumps(parts),
                        json.dumps(reasons, ensure_ascii=False),
                        version,
                        run_id,
                        created.isoformat(),
                    )
                )
            buffer.seek(0)
            column_of = {f.attname: f.column for f in Match._meta.concrete_fields}
            columns = ", ".join(connection.ops.quote_name(column_of[c]) for c in MATCH_COLUMNS)
            copy(
                f"COPY {connection.ops.quote_name(Match._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv)",
                buffer,
            )
            return len(rows)
    Match.objects.bulk_create(
        (Match(**dict(zip(MATCH_COLUMNS, row, strict=True))) for row in rows), batch_size=BATCH
    )
    return len(rows)


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Command(BaseCommand):
    help = "Fill the database with a call at scale (needs, enterprises, partners, matches, accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--needs", type=int, default=10_000)
        parser.add_argument("--partners", type=int, default=5_000)
        parser.add_argument("--enterprises", type=int, default=2_000)
        parser.add_argument("--matches-per-need", type=int, default=20)
        parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every seeded account ({DEFAULT_PASSWORD})",
        )
        parser.add_argument(
            "--force", action="store_true", help="seed even though the database holds other accounts"
        )

    def handle(self, *args, **options) -> None:
        if min(options["needs"], options["partners"], options["enterprises"]) < 1:
            raise CommandError("--needs, --partners and --enterprises must be at least 1.")
        if User.objects.filter(email=STAFF_EMAIL).exists():
            raise CommandError(
                "This database was seeded already. Drop and recreate it "
                "(dropdb/createdb, then manage.py migrate) to seed again."
            )
        others = User.objects.exclude(email__endswith=SEED_DOMAIN).count()
        if others and not options["force"]:
            raise CommandError(
                f"The database holds {others} account(s) not created by seed_scale; it looks like real "
                "or development data. Point DATABASE_URL at a database of its own (e.g. "
                "postgresql:///portal_bench), or pass --force to add the seeded data anyway."
            )
        if not TechField.objects.exists():
            call_command("load_reference", stdout=self.stdout)
        started = time.perf_counter()
        self.rng = random.Random(options["seed"])
        self.password_hash = make_password(options["password"])
        self.now = timezone.now()
        with transaction.atomic():
            counts = self._seed(options)
        if connection.vendor == "postgresql":
            # Planner statistics for the new rows, as autovacuum would gather them in
            # production; without them the benchmarks measure sorts, not the indexes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        counts["seconds"] = round(time.perf_counter() - started, 1)
        self._report(counts, options["password"])

    # ------------------------------------------------------------------ the data

    def _seed(self, options: dict) -> dict:
        self._taxonomy()
        call = self._call()
        staff, reviewer = self._back_office_users()
        enterprises, owners = self._enterprises(options["enterprises"])
        needs = self._needs(options["needs"], call, enterprises, owners)
        self._screening(needs, staff)
        self._review_scores(needs, call, reviewer)
        partners = self._partners(options["partners"])
        hk_users = self._hk_users(partners)
        matches = self._matches(needs, partners, call, options["matches_per_need"])
        statuses: dict[str, int] = {}
        for need in needs:
            statuses[need.status] = statuses.get(need.status, 0) + 1
        return {
            "call": call,
            "enterprises": len(enterprises),
            "needs": len(needs),
            "statuses": statuses,
            "published_visible_hk": sum(
                1 for n in needs if n.status in workflow.PUBLISHED and n.consent_share_hk
            ),
            "partners": len(partners),
            "matches": matches,
            "users": len(owners) + len(hk_users) + 2,
            "hk_users": hk_users,
        }

    def _taxonomy(self) -> None:
        fields = {f.code: f for f in TechField.objects.all()}
        self.leaves = [
            f for f in fields.values() if f.level == 3 and f.parent_id and fields[f.parent_id].parent_id
        ]
        self.fields = fields
        self.fields_hant = {code: to_hant_hk(f.name_zh) for code, f in fields.items()}
        self.partner_fields = [f for f in fields.values() if f.level in (1, 2)]
        self.counties = list(
            Division.objects.filter(
                level__in=[Division.Level.COUNTY, Division.Level.STAT_ZONE]
            ).select_related("parent")
        )
        self.cities = list(Division.objects.filter(level=Division.Level.CITY))
        self.zones = list(HiTechZone.objects.values_list("pk", flat=True))
        self.industries = list(Industry.objects.filter(level="division").values_list("pk", flat=True))

    def _call(self) -> Call:
        Call.objects.filter(is_current=True).update(is_current=False)
        year = timezone.localtime(self.now).year
        call = Call.objects.create(
            title=f"{year}年江苏企业与香港技术合作需求征集{CALL_TITLE_SUFFIX}",
            year=year,
            description="重点征集电子信息、生物医药、先进制造与新能源领域与香港开展技术合作的需求。",
            opens_at=self.now - timedelta(days=21),
            deadline=self.now + timedelta(days=21),
            event_date=(self.now + timedelta(days=60)).date(),
            is_current=True,
        )
        call.focus_fields.set(TechField.objects.filter(code__in=["01", "02", "08"]))
        self.focus_l1 = {"01", "02", "08"}
        rubric_for_call(call=call)
        return call

    def _user(self, email: str, role: str, **fields) -> User:
        return User(email=email, role=role, password=self.password_hash, **fields)

    def _back_office_users(self) -> tuple[User, User]:
        staff, reviewer = User.objects.bulk_create(
            [
                self._user(STAFF_EMAIL, Role.STAFF, full_name="规模测试工作人员"),
                self._user(REVIEWER_EMAIL, Role.REVIEWER, full_name="规模测试评审专家"),
            ]
        )
        return staff, reviewer

    def _enterprises(self, count: int) -> tuple[list[Enterprise], list[User]]:
        rng = self.rng
        rows = []
        for i in range(count):
            division = rng.choice(self.counties) if rng.random() < 0.9 else rng.choice(self.cities)
            city = division.parent.name_zh if division.level != Division.Level.CITY else division.name_zh
            leaf = rng.choice(self.leaves)
            employees = rng.randint(20, 3000)
            in_zone = rng.random() < 0.35 and bool(self.zones)
            rows.append(
                Enterprise(
                    name=f"{city.removesuffix('市')}{leaf.name_zh}科技有限公司（{i + 1}）",
                    credit_code=f"SEED{i + 1:014d}",
                    founded_on=self.now.date() - timedelta(days=rng.randint(365, 365 * 30)),
                    enterprise_type=rng.choice(EnterpriseType.values),
                    industry_id=rng.choice(self.industries) if self.industries else None,
                    main_business=f"{leaf.name_zh}相关产品研发、生产与销售",
                    main_products=f"{leaf.name_zh}系列产品及解决方案",
                    is_high_tech=rng.random() < 0.6,
                    revenue_last_year=Decimal(rng.randint(100, 500_000)),
                    in_hitech_zone=in_zone,
                    hitech_zone_id=rng.choice(self.zones) if in_zone else None,
                    employees=employees,
                    rnd_staff=rng.randint(1, max(1, employees // 4)),
                    address=f"江苏省{city}{division.name_zh}科创路{i + 1}号",
                    division=division,
                    contact_name=f"联系人{i + 1}",
                    contact_phone=f"0{rng.randint(510, 527)}-{rng.randint(10_000_000, 99_999_999)}",
                    contact_email=f"contact{i + 1}{SEED_DOMAIN}",
                    website=f"https://enterprise{i + 1}.seed.invalid",
                    introduction=f"企业成立于{2026 - rng.randint(1, 30)}年，专注于{leaf.name_zh}领域，"
                    f"拥有研发人员{employees // 5}人。",
                )
            )
        enterprises = []
        for batch in _batches(rows):
            enterprises += Enterprise.objects.bulk_create(batch)
        owners = []
        users = [
            self._user(
                f"owner{i + 1}{SEED_DOMAIN}",
                Role.ENTERPRISE,
                enterprise_id=e.pk,
                full_name=f"企业用户{i + 1}",
            )
            for i, e in enumerate(enterprises)
        ]
        for batch in _batches(users):
            owners += User.objects.bulk_create(batch)
        return enterprises, owners

    def _texts(self, leaf: TechField) -> dict:
        rng = self.rng
        l2 = self.fields[leaf.parent_id]
        l1 = self.fields[l2.parent_id]
        kw, _hant, en, _concept = keyword = rng.choice(KEYWORDS)
        title = rng.choice(TITLES).format(l3=leaf.name_zh, l2=l2.name_zh, kw=kw)
        if rng.random() < 0.3:
            title = f"{leaf.name_zh}关键技术研发"  # no keyword: not every title has one
        english = f"（{en}）" if rng.random() < 0.4 else ""
        return {
            "keyword": keyword,
            "field_l1": l1,
            "field_l2": l2,
            "field_l3": leaf,
            "title": title[:200],
            "description": (
                f"围绕{l1.name_zh}领域{l2.name_zh}方向的{leaf.name_zh}，开展{kw}{english}相关关键技术攻关，"
                f"目标：良品率提升至{rng.randint(90, 99)}%以上，成本降低{rng.randint(10, 40)}%，"
                f"形成可在产线部署的{kw}解决方案，并完成{rng.randint(1, 5)}项专利布局。"
            ),
            "basis": f"已建成{leaf.name_zh}中试线，研发团队{rng.randint(5, 80)}人，积累{kw}相关数据与工艺经验。",
            "partner_requirements": f"港方团队需在{l2.name_zh}及{kw}方面有原创成果和工程化经验。",
            "partner_role": f"联合攻关{kw}核心算法与工艺，参与样机验证与成果转化。",
        }

    def _needs(self, count: int, call: Call, enterprises: list[Enterprise], owners: list[User]) -> list[Need]:
        rng = self.rng
        counter, _ = ReferenceCounter.objects.get_or_create(year=call.year)
        number = counter.last_number
        rows = []
        self.need_keywords: list[tuple] = []
        for i in range(count):
            status = _pick_weighted(rng, STATUS_MIX)
            owner_index = i % len(enterprises)
            texts = self._texts(rng.choice(self.leaves))
            keyword = texts.pop("keyword")
            intended = Decimal(rng.randint(20, 2000))
            need = Need(
                enterprise=enterprises[owner_index],
                call=call,
                created_by=owners[owner_index],
                status=status,
                intended_investment=intended,
                total_investment=intended + Decimal(rng.randint(0, 3000)),
                categories=rng.sample(NeedCategory.values, rng.randint(1, 3)),
                has_intended_partner=False,
                cooperation_modes=rng.sample(CooperationMode.values, rng.randint(1, 3)),
                **texts,
            )
            if status == NeedStatus.DRAFT:
                # Drafts are often incomplete.
                if rng.random() < 0.5:
                    need.description = need.basis = need.partner_role = ""
            else:
                number += 1
                submitted = self.now - timedelta(days=rng.uniform(0, 20))
                need.reference = f"JSHK-{call.year}-{number:04d}"
                need.submitted_at = submitted
                need.consent_share_hk = rng.random() < 0.85
                need.consent_version = settings.CONSENT_VERSION
                need.consent_at = submitted
                if rng.random() < 0.6:
                    need.consent_contact_release = True
                    need.contact_consent_at = submitted
                    need.contact_consent_version = settings.CONSENT_VERSION
                if status == NeedStatus.WITHDRAWN:
                    need.withdrawn_at = submitted + timedelta(hours=rng.randint(1, 48))
                if status == NeedStatus.ACCEPTED:
                    need.published_snapshot = need_public_snapshot(need)
                if status in workflow.MATCHABLE:
                    need.matching_state = MatchingState.DONE
            rows.append(need)
            self.need_keywords.append(keyword)
        needs = []
        for batch in _batches(rows):
            needs += Need.objects.bulk_create(batch)
        counter.last_number = number
        counter.save(update_fields=["last_number"])
        return needs

    def _screening(self, needs: list[Need], staff: User) -> None:
        reasons = {
            NeedStatus.RETURNED: (ScreeningReason.INCOMPLETE, "请补充量化技术指标。"),
            NeedStatus.NOT_SELECTED: (ScreeningReason.OUT_OF_SCOPE, "不属于本批次征集范围。"),
        }
        events = []
        for need in needs:
            if need.status in (
                NeedStatus.UNDER_REVIEW,
                NeedStatus.RETURNED,
                NeedStatus.ACCEPTED,
                NeedStatus.NOT_SELECTED,
            ):
                reason, message = reasons.get(need.status, ("", ""))
                events.append(
                    ScreeningEvent(
                        need=need,
                        from_status=NeedStatus.SUBMITTED,
                        to_status=need.status,
                        reason_code=reason,
                        message=message,
                        actor=staff,
                        at=need.submitted_at + timedelta(hours=6),
                    )
                )
        for batch in _batches(events):
            ScreeningEvent.objects.bulk_create(batch)

    def _review_scores(self, needs: list[Need], call: Call, reviewer: User) -> None:
        keys = [c["key"] for c in default_criteria()]
        scores = [
            ReviewScore(
                need=need,
                reviewer=reviewer,
                scores={key: self.rng.randint(1, 5) for key in keys},
                comment="技术指标明确，合作意愿强。",
            )
            for need in needs
            if need.status in workflow.REVIEWABLE and self.rng.random() < 0.25
        ]
        for batch in _batches(scores):
            ReviewScore.objects.bulk_create(batch)

    def _partners(self, count: int) -> list[Partner]:
        rng = self.rng
        universities = Partner.objects.bulk_create(
            Partner(
                name_zh_hant=f"香港規模測試大學{i + 1}",
                name_zh_hans=f"香港规模测试大学{i + 1}",
                name_en=f"Hong Kong Seed University {i + 1}",
                acronym=f"HKSU{i + 1}",
                kind=PartnerKind.UNIVERSITY,
                website=f"https://university{i + 1}.seed.invalid",
                cooperation_modes=list(CooperationMode.values),
            )
            for i in range(min(count, max(1, count // 50)))
        )
        rows = []
        self.partner_codes: dict[int, tuple[str, ...]] = {}
        for i in range(len(universities), count):
            kind = _pick_weighted(rng, PARTNER_KINDS)
            field = rng.choice(self.partner_fields)
            kw_hans, kw_hant, kw_en, _concept = rng.choice(KEYWORDS)
            word_hant, word_en = KIND_WORDS[kind]
            name_hant = self.fields_hant[field.code]
            rows.append(
                Partner(
                    name_zh_hant=f"{name_hant}{kw_hant}{word_hant}（{i + 1}）",
                    name_zh_hans=f"{field.name_zh}{kw_hans}{word_hant}（{i + 1}）",
                    name_en=f"{kw_en.title()} {word_en} {i + 1}",
                    kind=kind,
                    parent=rng.choice(universities) if kind == PartnerKind.UNIVERSITY_LAB else None,
                    description=f"專注{name_hant}及{kw_hant}研究，具備原型開發、測試驗證及技術轉移經驗。",
                    description_en=f"Research and development in {kw_en} with prototyping and technology transfer.",
                    keywords=f"{kw_hant}, {name_hant}, {kw_en}",
                    cooperation_modes=rng.sample(CooperationMode.values, rng.randint(1, 3)),
                    website=f"https://partner{i + 1}.seed.invalid",
                    contact_name=f"聯絡人{i + 1}",
                    contact_email=f"partner{i + 1}{SEED_DOMAIN}",
                    contact_phone=f"+852 {rng.randint(2000_0000, 3999_9999)}",
                )
            )
        partners = list(universities)
        for batch in _batches(rows):
            partners += Partner.objects.bulk_create(batch)
        # Each partner works in one to three first- or second-level fields.
        through = Partner.fields.through
        links = []
        for partner in partners:
            chosen = {f.code for f in rng.sample(self.partner_fields, rng.randint(1, 3))}
            self.partner_codes[partner.pk] = tuple(sorted(chosen))
            links += [through(partner_id=partner.pk, techfield_id=code) for code in chosen]
        for batch in _batches(links, 5000):
            through.objects.bulk_create(batch)
        return partners

    def _hk_users(self, partners: list[Partner]) -> list[User]:
        users = [
            self._user(
                f"hk{n + 1}{SEED_DOMAIN}",
                Role.HK,
                partner_id=p.pk,
                language="zh-hant",
                full_name=f"HK {n + 1}",
            )
            for n, p in enumerate(partners[::PARTNERS_PER_HK_USER])
        ]
        return User.objects.bulk_create(users)

    # ------------------------------------------------------------------ matches

    def _matches(self, needs: list[Need], partners: list[Partner], call: Call, per_need: int) -> int:
        by_code: dict[str, list[int]] = {}
        for pk, codes in self.partner_codes.items():
            for code in codes:
                by_code.setdefault(code, []).append(pk)
        modes = {p.pk: set(p.cooperation_modes) for p in partners}
        self.partner_sets = {
            pk: (frozenset(codes), frozenset(codes) | {c.split(".")[0] for c in codes})
            for pk, codes in self.partner_codes.items()
        }
        all_ids = [p.pk for p in partners]
        matchable = [
            (n, kw) for n, kw in zip(needs, self.need_keywords, strict=True) if n.status in workflow.MATCHABLE
        ]
        per_need = min(per_need, len(all_ids))
        run = MatchRun.objects.create(
            kind=RunKind.FULL,
            status=RunStatus.DONE,
            trigger=RunTrigger.STAFF,
            scorer_version=SCORER_VERSION,
            total=len(matchable),
            processed=len(matchable),
            matches_written=len(matchable) * per_need,
            started_at=self.now,
            finished_at=self.now,
            attempts=1,
        )
        rows: list[tuple] = []
        written = 0
        for need, keyword in matchable:
            for partner_id in self._candidates(need, by_code, all_ids, per_need):
                rows.append(self._match(need, keyword, partner_id, modes[partner_id], run.pk))
            if len(rows) >= 20_000:
                written += _write_matches(rows)
                rows = []
        return written + _write_matches(rows)

    def _candidates(self, need: Need, by_code: dict, all_ids: list[int], k: int) -> list[int]:
        """Partners of the need's second-level field first, then its first-level
        field, then anyone (text similarity alone)."""
        rng = self.rng
        chosen: list[int] = []
        seen: set[int] = set()
        for pool, share in (
            (by_code.get(need.field_l2_id, []), k // 2),
            (by_code.get(need.field_l1_id, []), k),
        ):
            for pk in rng.sample(pool, min(len(pool), share)):
                if pk not in seen and len(chosen) < k:
                    seen.add(pk)
                    chosen.append(pk)
        while len(chosen) < k:
            pk = rng.choice(all_ids)
            if pk not in seen:
                seen.add(pk)
                chosen.append(pk)
        return chosen

    def _match(self, need: Need, keyword: tuple, partner_id: int, partner_modes: set, run_id: int) -> tuple:
        """One kept pair (MATCH_COLUMNS): parts, their weighted mean and reasons, as
        the scorer writes them."""
        rng = self.rng
        kw_hans, _hant, _en, concept = keyword
        codes, expanded = self.partner_sets[partner_id]
        field = 1.0 if need.field_l2_id in codes else 0.6 if need.field_l1_id in expanded else 0.0
        shared_modes = [m for m in need.cooperation_modes if m in partner_modes]
        focus = sorted(self.focus_l1 & expanded)
        parts = {
            "text_concepts": round(rng.uniform(0.15, 0.9), 4),
            "text_terms": round(rng.uniform(0.0, 0.5), 4),
            "field": field,
            "mode": 1.0 if shared_modes else 0.0,
            "named_partner": 0.0,
            "focus": 1.0 if focus else 0.0,
        }
        score = sum(WEIGHTS[k] * v for k, v in parts.items()) / WEIGHT_TOTAL
        reasons = [
            {
                "code": "shared_concepts",
                "text": f"共同技术词: {kw_hans}",
                "params": {
                    "concepts": [
                        {"id": concept, "label": kw_hans, "weight": round(parts["text_concepts"] / 2, 4)}
                    ]
                },
            }
        ]
        if parts["text_terms"] > 0.1:
            terms = [kw_hans[:2], need.field_l3.name_zh[:2]]
            reasons.append(
                {
                    "code": "shared_terms",
                    "text": "共同关键词: " + ", ".join(terms),
                    "params": {"terms": terms},
                }
            )
        if field:
            depth = 2 if field == 1.0 else 1
            names = [need.field_l1.name_zh, need.field_l2.name_zh][:depth]
            label, code = ("同一领域", "same_field") if depth == 2 else ("同一大类领域", "same_field_l1")
            reasons.append(
                {
                    "code": code,
                    "text": f"{label}: " + " › ".join(names),
                    "params": {"depth": depth, "names": names},
                }
            )
        if shared_modes:
            reasons.append(
                {
                    "code": "mode_fit",
                    "text": "合作方式相符: " + "、".join(COOPERATION_MODES[m] for m in shared_modes),
                    "params": {"modes": shared_modes},
                }
            )
        if focus:
            reasons.append(
                {
                    "code": "focus_field",
                    "text": "属于本批次重点领域: " + "、".join(self.fields[c].name_zh for c in focus),
                    "params": {"codes": focus},
                }
            )
        return (need.pk, partner_id, round(score, 6), parts, reasons, SCORER_VERSION, run_id, self.now)

    # ------------------------------------------------------------------ output

    def _report(self, counts: dict, password: str) -> None:
        out = self.stdout
        call = counts["call"]
        out.write(self.style.SUCCESS(f"Seeded in {counts['seconds']} s: {call.title} (current, open now)"))
        out.write(f"  enterprises  {counts['enterprises']}")
        out.write(f"  needs        {counts['needs']}")
        for status, label in NeedStatus.choices:
            out.write(f"    {label:<6} {status:<13} {counts['statuses'].get(status, 0)}")
        out.write(f"    published and shared with Hong Kong: {counts['published_visible_hk']}")
        out.write(f"  partners     {counts['partners']}")
        out.write(f"  matches      {counts['matches']}")
        out.write(f"  users        {counts['users']}")
        out.write(f"Accounts (password for all: {password}):")
        out.write(f"  staff       {STAFF_EMAIL}")
        out.write(f"  reviewer    {REVIEWER_EMAIL}")
        out.write(f"  enterprise  owner1{SEED_DOMAIN} … owner{counts['enterprises']}{SEED_DOMAIN}")
        out.write(f"  hk          hk1{SEED_DOMAIN} … hk{len(counts['hk_users'])}{SEED_DOMAIN}")
