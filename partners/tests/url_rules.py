from datetime import timedelta

from django.utils import timezone

from portal.tests.url_access import ENTERPRISES, HK, STAFF, Rule


def build_world(world) -> None:
    """A published need of `world.enterprise` and an open interest in it."""
    from needs.models import Need, NeedStatus
    from partners.models import ExpressionOfInterest

    world.published_need = Need.objects.create(
        enterprise=world.enterprise,
        call=world.call,
        reference="JSHK-2026-9001",
        status=NeedStatus.ACCEPTED,
        consent_share_hk=True,
        title="高精度晶圆检测设备研发",
        description="需要机器视觉检测算法。",
        field_l1_id="01",
        field_l2_id="01.02",
        categories=["core_rnd"],
        cooperation_modes=["joint_dev"],
        intended_investment=300,
        submitted_at=timezone.now(),
    )
    world.interest = ExpressionOfInterest.objects.create(
        need=world.published_need,
        partner=world.partner,
        proposal="联合开发",
        expires_at=timezone.now() + timedelta(days=30),
    )


RULES = {
    "partners:directory": Rule(public=True),
    "partners:partner_detail": Rule(public=True, kwargs=lambda w: {"pk": w.partner.pk}),
    "partners:hk_home": Rule(allow=HK),
    "partners:hk_need_detail": Rule(allow=HK, kwargs=lambda w: {"pk": w.published_need.pk}),
    "partners:hk_need_export": Rule(allow=HK),
    "partners:hk_need_json": Rule(allow=HK),
    "partners:hk_interests": Rule(allow=HK),
    "partners:enterprise_contacts": Rule(allow=ENTERPRISES),
    "partners:staff_partners": Rule(allow=STAFF),
    "partners:partner_create": Rule(allow=STAFF),
    "partners:partner_edit": Rule(allow=STAFF, kwargs=lambda w: {"pk": w.partner.pk}),
    "partners:partner_deactivate": Rule(allow=STAFF, ok_status=405, kwargs=lambda w: {"pk": w.partner.pk}),
    "partners:partner_import": Rule(allow=STAFF),
    "partners:partner_export": Rule(allow=STAFF),
    "partners:interest_queue": Rule(allow=STAFF),
    "partners:interest_detail": Rule(allow=STAFF, kwargs=lambda w: {"pk": w.interest.pk}),
}
