"""Server-rendered SVG charts (no JavaScript, no CDN)."""

from django import template

register = template.Library()

BAR_HEIGHT = 22
LABEL_WIDTH = 170
CHART_WIDTH = 520


@register.inclusion_tag("_partials/svg_bar_chart.html")
def bar_chart(data, title: str = "", chart_id: str = ""):
    """A horizontal bar chart of [(label, value), …]."""
    data = list(data or [])
    peak = max((value for _label, value in data), default=0) or 1
    usable = CHART_WIDTH - LABEL_WIDTH - 50
    bars = [
        {
            "label": str(label)[:16],
            "full_label": str(label),
            "value": value,
            "y": index * BAR_HEIGHT,
            "text_y": index * BAR_HEIGHT + BAR_HEIGHT * 0.65,
            "width": max(1, round(value / peak * usable)),
            "value_x": LABEL_WIDTH + max(1, round(value / peak * usable)) + 4,
        }
        for index, (label, value) in enumerate(data)
    ]
    return {
        "title": title,
        "chart_id": chart_id,
        "bars": bars,
        "height": max(BAR_HEIGHT, len(bars) * BAR_HEIGHT),
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 6,
    }
