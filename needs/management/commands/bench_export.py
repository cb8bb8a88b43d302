"""Time the full back-office export on synthetic needs.

    python manage.py bench_export --needs 10000 [--json]

The needs are created inside a transaction that is rolled back, so the
database is left as it was. Peak memory is the process's peak resident set
size (resource.getrusage), which includes Django itself.
"""

import json
import resource
import sys
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from needs.models import Call, Enterprise, Need, NeedStatus, TechField
from needs.services.exports import needs_export_exporters
from portal.exports import exporters_workbook, workbook_bytes


class _Rollback(Exception):
    pass


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Command(BaseCommand):
    help = "Time the full Excel export of N synthetic needs (wall time, peak memory)."

    def add_arguments(self, parser):
        parser.add_argument("--needs", type=int, default=10000)
        parser.add_argument("--json", action="store_true", help="print {wall_s, peak_mb, needs, bytes}")

    def handle(self, *args, needs: int, **options):
        result = {}
        try:
            with transaction.atomic():
                call = self._synthetic(needs)
                started = time.perf_counter()
                wb = exporters_workbook(needs_export_exporters(call=call, filters={}))
                size = len(workbook_bytes(wb))
                result = {
                    "wall_s": round(time.perf_counter() - started, 2),
                    "peak_mb": round(_peak_mb(), 1),
                    "needs": needs,
                    "bytes": size,
                }
                raise _Rollback
        except _Rollback:
            pass
        if options["json"]:
            self.stdout.write(_dumps(result))
        else:
            self.stdout.write(
                f"{result['needs']} needs: {result['wall_s']} s, peak {result['peak_mb']} MB, "
                f"{result['bytes'] / 1e6:.1f} MB file"
            )

    def _synthetic(self, count: int) -> Call:
        now = timezone.now()
        call = Call.objects.create(
            title="bench_export",
            year=2099,
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=1),
        )
        field = TechField.objects.filter(level=1).first()
        enterprises = Enterprise.objects.bulk_create(
            Enterprise(
                name=f"基准测试企业{i}有限公司",
                credit_code=f"BENCH{i:013d}",
                address="江苏省南京市玄武区某路1号",
                contact_name="张三",
                contact_phone="025-85485892",
                contact_email=f"bench{i}@example.com",
                main_business="生物医药研发、体外诊断试剂",
                introduction="成立于2015年，拥有省级研发中心。" * 5,
            )
            for i in range(max(1, count // 5))
        )
        Need.objects.bulk_create(
            (
                Need(
                    enterprise=enterprises[i % len(enterprises)],
                    call=call,
                    status=NeedStatus.SUBMITTED,
                    reference=f"BENCH-{i:06d}",
                    title=f"肿瘤类器官高通量药敏检测平台开发{i}",
                    field_l1=field,
                    intended_investment=500,
                    total_investment=1200,
                    categories=["core_rnd", "product_rnd"],
                    description="培养成功率≥70%，检测周期≤14天，用于个体化用药指导。" * 6,
                    basis="已建成GMP实验室，研发团队30人。" * 3,
                    partner_requirements="有类器官培养经验的研究团队。",
                    partner_role="联合攻关，共同申报项目。",
                    has_intended_partner=False,
                    cooperation_modes=["joint_dev", "commissioned"],
                    consent_share_hk=True,
                    submitted_at=now,
                )
                for i in range(count)
            ),
            batch_size=2000,
        )
        return call


def _dumps(data: dict) -> str:
    return json.dumps(data)
