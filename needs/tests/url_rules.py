from portal.tests.url_access import BACK_OFFICE, ENTERPRISES, STAFF, Rule

RULES = {
    "needs:enterprise_home": Rule(allow=ENTERPRISES),
    "needs:staff_home": Rule(allow=STAFF),
    "needs:review_home": Rule(allow=BACK_OFFICE),
}
