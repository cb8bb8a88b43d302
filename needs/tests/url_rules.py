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
    "needs:calls_list": Rule(allow=STAFF),
    "needs:call_create": Rule(allow=STAFF),
    "needs:call_edit": Rule(allow=STAFF, kwargs=_call),
    # POST only: a GET by staff answers 405.
    "needs:call_set_current": Rule(allow=STAFF, kwargs=_call, ok_status=405),
    "needs:staff_home": Rule(allow=STAFF),
    "needs:review_home": Rule(allow=BACK_OFFICE),
}
