"""The vocabulary of the URL permission test.

Every app lists its URL names in `<app>/tests/url_rules.py` as
`RULES = {"ns:name": Rule(...)}`; `portal/tests/test_url_permissions.py` visits
each one as every persona. A URL with no rule fails that test.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

PERSONAS = (
    "anonymous",
    "enterprise",
    "other_enterprise",
    "new_enterprise",
    "staff",
    "reviewer",
    "hk",
    "other_hk",
    "admin",
)

LOGIN = "login"  # expected: a redirect to the login page
OK = 200
FOUND = 302
FORBIDDEN = 403
NOT_FOUND = 404


@dataclass
class Rule:
    """Who may GET a URL.

    `allow`: personas that get `ok_status`; anonymous visitors get `LOGIN`
    unless `public`; everyone else gets 403. `override` sets single personas
    (e.g. another enterprise's object answers 404).
    """

    allow: set[str] = field(default_factory=set)
    kwargs: Callable[[SimpleNamespace], dict] | None = None
    public: bool = False
    ok_status: int = OK
    override: dict[str, int | str] = field(default_factory=dict)
    query: str = ""

    def expected(self, persona: str) -> int | str:
        if persona in self.override:
            return self.override[persona]
        if self.public or persona in self.allow:
            return self.ok_status
        if persona == "anonymous":
            return LOGIN
        return FORBIDDEN


EVERYONE = set(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
ENTERPRISES = {"enterprise", "other_enterprise", "new_enterprise"}
STAFF = {"staff", "admin"}
BACK_OFFICE = STAFF | {"reviewer"}
HK = {"hk", "other_hk"}
