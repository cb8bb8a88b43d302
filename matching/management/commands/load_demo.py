"""Demo data for development: a call open now, enterprises, needs and accounts."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from needs.models import Call, Division, Enterprise, Need, NeedStatus, TechField
from needs.services.submission import reference_next
from partners.models import Partner, PartnerKind
from portal.models import Role, User

DEMO_ENTERPRISES = [
    {
        "name": "南京示例生物医药有限公司",
        "credit_code": "913200001347585460",
        "division": "320114",
        "contact_name": "王敏",
        "contact_phone": "025-85485892",
        "contact_email": "wangmin@example.com",
        "user": "enterprise@demo.local",
        "need": {
            "title": "肿瘤类器官高通量药敏检测平台开发",
            "field": ("02", "02.01", "02.01.03"),
            "description": "建立基于患者来源肿瘤类器官的高通量药物敏感性检测平台，"
            "培养成功率≥70%，检测周期≤14天，单样本成本控制在3000元以内。",
            "basis": "已建成GMP细胞实验室500平方米，研发人员25人，完成结直肠癌类器官小试。",
            "partner_requirements": "港方团队需在类器官培养与单细胞测序方面有原创成果。",
            "categories": ["core_rnd", "product_rnd"],
            "modes": ["joint_dev", "commissioned"],
        },
    },
    {
        "name": "苏州示例智能科技有限公司",
        "credit_code": "913200001347645408",
        "division": "320505",
        "contact_name": "李强",
        "contact_phone": "15850535896",
        "contact_email": "liqiang@example.com",
        "user": "enterprise2@demo.local",
        "need": {
            "title": "面向光伏组件的深度学习缺陷检测系统",
            "field": ("01", "01.01", "01.01.05"),
            "description": "开发基于计算机视觉的光伏组件EL图像缺陷检测算法，"
            "漏检率≤0.5%，单片检测时间≤1秒，可部署于产线边缘计算设备。",
            "basis": "拥有产线图像数据20万张，算法团队12人，已完成传统视觉方案。",
            "partner_requirements": "港方机构需在工业视觉与小样本学习方面有成熟算法和工程经验。",
            "categories": ["core_rnd"],
            "modes": ["joint_dev"],
        },
    },
]

DEMO_STAFF = [
    ("admin@demo.local", Role.ADMIN, "系统管理员"),
    ("staff@demo.local", Role.STAFF, "交流中心工作人员"),
    ("reviewer@demo.local", Role.REVIEWER, "评审专家甲"),
    ("reviewer2@demo.local", Role.REVIEWER, "评审专家乙"),
]


class Command(BaseCommand):
    help = "Create demo call, enterprises, needs and accounts (development only; idempotent)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only (DJANGO_DEBUG=false).")
        if not TechField.objects.exists():
            raise CommandError("Load the reference data first: manage.py load_reference")
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            call = self._call()
            for email, role, name in DEMO_STAFF:
                self._user(
                    email,
                    password,
                    role=role,
                    full_name=name,
                    is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN,
                )
            partner = self._partner()
            self._user(
                "hk@demo.local",
                password,
                role=Role.HK,
                full_name="HK Demo",
                partner=partner,
                language="zh-hant",
            )
            for spec in DEMO_ENTERPRISES:
                self._enterprise(spec, call, password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo call: {call.title}, deadline {timezone.localtime(call.deadline):%Y-%m-%d %H:%M}"
            )
        )
        self.stdout.write("Demo accounts (password for all: %s):" % password)
        for email, role, _name in DEMO_STAFF:
            self.stdout.write(f"  {role:<10} {email}")
        self.stdout.write(f"  {'hk':<10} hk@demo.local")
        for spec in DEMO_ENTERPRISES:
            self.stdout.write(f"  {'enterprise':<10} {spec['user']}")

    def _call(self) -> Call:
        now = timezone.localtime()
        year = now.year
        deadline = timezone.make_aware(datetime.combine(now.date() + timedelta(days=30), time(23, 59, 59)))
        call, created = Call.objects.get_or_create(
            title=f"{year}年江苏企业与香港技术合作需求征集",
            defaults={
                "year": year,
                "description": "重点征集生物医药、人工智能领域与香港开展技术合作的需求。",
                "opens_at": now - timedelta(days=7),
                "deadline": deadline,
                "event_name": "苏港产学研合作对接交流会",
                "event_date": (now + timedelta(days=60)).date(),
                "is_current": not Call.objects.filter(is_current=True).exists(),
            },
        )
        if created:
            call.focus_fields.set(TechField.objects.filter(code__in=["01", "02"]))
        return call

    def _user(self, email: str, password: str, **fields) -> User:
        user, created = User.objects.get_or_create(email=email, defaults=fields)
        if created:
            user.set_password(password)
            user.save()
        return user

    def _partner(self) -> Partner:
        partner = Partner.objects.filter(name_en__icontains="University of Hong Kong (HKU)").first()
        if partner is None:
            partner, _ = Partner.objects.get_or_create(
                name_en="The University of Hong Kong (HKU)",
                defaults={
                    "name_zh_hant": "香港大學",
                    "name_zh_hans": "香港大学",
                    "kind": PartnerKind.UNIVERSITY,
                    "website": "https://www.hku.hk",
                },
            )
        return partner

    def _enterprise(self, spec: dict, call: Call, password: str) -> None:
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=spec["credit_code"],
            defaults={
                "name": spec["name"],
                "division": Division.objects.get(code=spec["division"]),
                "contact_name": spec["contact_name"],
                "contact_phone": spec["contact_phone"],
                "contact_email": spec["contact_email"],
                "enterprise_type": "sme",
                "employees": 120,
                "rnd_staff": 30,
                # The rest of section 1, so the demo profile is complete and editable.
                "founded_on": date(2015, 3, 1),
                "industry_id": "27" if "生物" in spec["name"] else "39",
                "main_business": spec["need"]["partner_requirements"][:40],
                "main_products": spec["need"]["title"],
                "is_high_tech": True,
                "revenue_last_year": Decimal("3200"),
                "in_hitech_zone": False,
                "address": f"{spec['name']}示例地址1号",
                "introduction": f"{spec['name']}是一家示例企业，用于演示平台功能。",
            },
        )
        user = self._user(spec["user"], password, role=Role.ENTERPRISE, enterprise=enterprise)
        need = spec["need"]
        if Need.objects.filter(enterprise=enterprise, title=need["title"]).exists():
            return
        l1, l2, l3 = need["field"]
        Need.objects.create(
            enterprise=enterprise,
            call=call,
            created_by=user,
            reference=reference_next(year=call.year),
            status=NeedStatus.SUBMITTED,
            title=need["title"],
            field_l1_id=l1,
            field_l2_id=l2,
            field_l3_id=l3,
            intended_investment=Decimal("500"),
            total_investment=Decimal("1200"),
            categories=need["categories"],
            description=need["description"],
            basis=need["basis"],
            partner_requirements=need["partner_requirements"],
            partner_role="联合攻关核心算法与工艺，参与验证。",
            has_intended_partner=False,
            cooperation_modes=need["modes"],
            consent_share_hk=True,
            consent_contact_release=True,
            consent_version=settings.CONSENT_VERSION,
            consent_at=timezone.now(),
            submitted_at=timezone.now(),
        )
