from portal.tests.url_access import BACK_OFFICE, ENTERPRISES, FOUND, NOT_FOUND, STAFF, Rule

# The enterprise's own need: its colleagues see it, any other enterprise gets 404.
_OWN_NEED = {
    "allow": {"enterprise"},
    "override": {"other_enterprise": NOT_FOUND, "new_enterprise": NOT_FOUND},
}
_NEEDS_PROFILE = {"allow": ENTERPRISES, "override": {"new_enterprise": FOUND}}


def build_world(world):
    from needs.models import Need

    world.need = Need.objects.create(
        enterprise=world.enterprise, call=world.call, title="URL rule draft", status="draft"
    )
    _build_back_office(world)


def _build_back_office(world):
    from django.core.files.base import ContentFile

    from needs.models import DuplicateFlag, ExportJob, Need

    world.accepted_need = Need.objects.create(
        enterprise=world.enterprise, call=world.call, title="URL rule accepted", status="accepted"
    )
    other = Need.objects.create(
        enterprise=world.other_enterprise, call=world.call, title="URL rule submitted", status="submitted"
    )
    world.duplicate_flag = DuplicateFlag.objects.create(
        need=world.accepted_need, other=other, similarity=0.9, same_enterprise=False
    )
    world.export_job = ExportJob.objects.create(call=world.call, status="done", progress=100)
    world.export_job.file.save("url-rule-test.xlsx", ContentFile(b"PK"), save=True)


def _need(world) -> dict:
    return {"pk": world.need.pk}


def _call(world) -> dict:
    return {"pk": world.call.pk}


RULES = {
    "needs:enterprise_home": Rule(**_NEEDS_PROFILE),
    "needs:enterprise_profile": Rule(allow=ENTERPRISES),
    "needs:enterprise_colleague_add": Rule(**_NEEDS_PROFILE),
    "needs:need_create": Rule(**_NEEDS_PROFILE),
    "needs:need_detail": Rule(**_OWN_NEED, kwargs=_need),
    "needs:need_edit": Rule(**_OWN_NEED, kwargs=_need),
    "needs:need_withdraw": Rule(**_OWN_NEED, kwargs=_need),
    "needs:need_xlsx": Rule(**_OWN_NEED, kwargs=_need),
    # POST only: a GET by an enterprise answers 405 (before the need is looked up).
    "needs:need_contact_consent": Rule(allow=ENTERPRISES, kwargs=_need, ok_status=405),
    "needs:calls_list": Rule(allow=STAFF),
    "needs:call_create": Rule(allow=STAFF),
    "needs:call_edit": Rule(allow=STAFF, kwargs=_call),
    # POST only: a GET by staff answers 405.
    "needs:call_set_current": Rule(allow=STAFF, kwargs=_call, ok_status=405),
    "needs:staff_home": Rule(allow=STAFF),
    "needs:review_home": Rule(allow=BACK_OFFICE),
    # Back office (screening, scores, shortlist, Excel)
    "needs:staff_need_list": Rule(allow=BACK_OFFICE),
    "needs:staff_need_detail": Rule(allow=BACK_OFFICE, kwargs=lambda w: {"pk": w.accepted_need.pk}),
    "needs:staff_need_screen": Rule(allow=STAFF, kwargs=lambda w: {"pk": w.accepted_need.pk}, ok_status=405),
    "needs:staff_duplicate_resolve": Rule(
        allow=STAFF, kwargs=lambda w: {"pk": w.duplicate_flag.pk}, ok_status=405
    ),
    "needs:staff_export": Rule(allow=STAFF, ok_status=405),
    "needs:staff_export_job": Rule(allow=STAFF, kwargs=lambda w: {"pk": w.export_job.pk}),
    "needs:staff_export_download": Rule(allow=STAFF, kwargs=lambda w: {"pk": w.export_job.pk}),
    "needs:staff_export_regenerate": Rule(
        allow=STAFF, kwargs=lambda w: {"pk": w.export_job.pk}, ok_status=405
    ),
    "needs:staff_import": Rule(allow=STAFF),
    "needs:staff_shortlist": Rule(allow=STAFF),
    "needs:staff_shortlist_add": Rule(allow=STAFF, ok_status=405),
    "needs:staff_shortlist_remove": Rule(
        allow=STAFF, kwargs=lambda w: {"pk": w.accepted_need.pk}, ok_status=405
    ),
    "needs:staff_shortlist_freeze": Rule(allow=STAFF, ok_status=405),
    "needs:staff_rubric": Rule(allow=STAFF, ok_status=405),
    "needs:staff_compare": Rule(allow=STAFF),
    "needs:review_need": Rule(allow=BACK_OFFICE, kwargs=lambda w: {"pk": w.accepted_need.pk}),
}
