from portal.tests.url_access import HK, Rule

RULES = {
    "partners:directory": Rule(public=True),
    "partners:hk_home": Rule(allow=HK),
}
