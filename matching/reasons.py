"""Match reasons in the reader's language.

The scorer stores each reason as ``{"code", "text", "params"}`` with a zh-Hans
``text``. Known codes are rendered from a translatable pattern and their params;
an unknown code falls back to the stored text.
"""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.scoring import load_taxonomy
from needs.models import CooperationMode

PART_LABELS = {
    "text_concepts": gettext_lazy("技术概念"),
    "text_terms": gettext_lazy("关键词"),
    "field": gettext_lazy("技术领域"),
    "mode": gettext_lazy("合作方式"),
    "named_partner": gettext_lazy("企业点名"),
    "focus": gettext_lazy("重点领域"),
}


def _join(items: Iterable[str]) -> str:
    return _("、").join(str(i) for i in items if i)


def _concepts(params: dict) -> str:
    return _join(c.get("label", c.get("id", "")) for c in params.get("concepts", []))


def _modes(params: dict) -> str:
    labels = dict(CooperationMode.choices)
    return _join(labels.get(m, m) for m in params.get("modes", []))


def _focus(params: dict) -> str:
    taxonomy = load_taxonomy()
    return _join(taxonomy.get(c, c) for c in params.get("codes", []))


def _path(params: dict) -> str:
    return " › ".join(str(n) for n in params.get("names", []))


_RENDERERS: dict[str, Callable[[dict], str]] = {
    "named_partner": lambda p: _("企业已点名该机构"),
    "named_partner_parent": lambda p: _("企业点名的“%(named)s”包含该单位") % {"named": p.get("named", "")},
    "shared_concepts": lambda p: _("共同技术概念：%(items)s") % {"items": _concepts(p)},
    "shared_terms": lambda p: _("共同关键词：%(items)s") % {"items": _join(p.get("terms", []))},
    "same_field": lambda p: _("同一领域：%(path)s") % {"path": _path(p)},
    "same_field_l1": lambda p: _("同一大类领域：%(path)s") % {"path": _path(p)},
    "mode_fit": lambda p: _("合作方式相符：%(modes)s") % {"modes": _modes(p)},
    "focus_field": lambda p: _("属于本批次重点领域：%(names)s") % {"names": _focus(p)},
}


def reason_line(reason: dict) -> str:
    """One reason as a sentence in the active language (zh text as the fallback)."""
    render = _RENDERERS.get(reason.get("code", ""))
    if render is not None:
        try:
            return render(reason.get("params") or {})
        except (KeyError, TypeError, AttributeError, ValueError):
            # Params of an older scorer version: the stored text is still right.
            pass
    return str(reason.get("text", ""))


def reason_lines(reasons: list[dict] | None) -> list[str]:
    return [line for line in (reason_line(r) for r in reasons or []) if line]


#: Reasons drawn from the need's intended partner, a column outside the Hong Kong
#: projection (partners.selectors.HK_NEED_COLUMNS): never shown to a Hong Kong user.
HK_HIDDEN_REASONS = frozenset({"named_partner", "named_partner_parent"})


def hk_reason_lines(reasons: list[dict] | None) -> list[str]:
    """The reasons a Hong Kong institution may read, in the active language."""
    return reason_lines([r for r in reasons or [] if r.get("code") not in HK_HIDDEN_REASONS])


def part_rows(parts: dict | None) -> list[tuple[str, int]]:
    """Named parts as (label, percent) for the score breakdown."""
    return [(str(PART_LABELS.get(k, k)), round(100 * float(v))) for k, v in (parts or {}).items()]
