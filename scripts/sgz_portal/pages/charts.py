"""Static bar charts as inline SVG, drawn in Python at build time.

No script, no web font, no outside request. Each chart is `<svg role="img">`
labelled by its own <title> and <desc>, and the desc states every number, so
a screen reader gets the data; the page also follows each chart with a table
of the same numbers. Same input -> same bytes (ids come from the caller).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = 16  # px (the page body is larger still; the chart scales down on phones)
ROW = 34  # px per bar
BAR = 20  # bar thickness
AREA = 320  # px for the longest bar
PAD = 8
BAR_FILL = "#0b4ea2"  # the sign's blue; the value is always written next to the bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown next to the bar, e.g. '13/16(81%)'


def text_width(text: str) -> float:
    """Estimated width in px: CJK characters are one em, others about 0.6 em."""
    return sum(FONT if ord(ch) >= 0x2E80 else FONT * 0.6 for ch in text)


def _num(value: float) -> str:
    """Coordinates with at most one decimal, never '-0' or exponent notation."""
    out = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out


def hbar(chart_id: str, title: str, bars: list[Bar], maximum: float | None = None,
         desc: str = "") -> Markup:
    """A horizontal bar chart. `maximum` fixes the full-length value (100 for percentages)."""
    if not bars:
        return Markup("")
    label_w = math.ceil(max(text_width(b.label) for b in bars)) + 2 * PAD
    value_w = math.ceil(max(text_width(b.text) for b in bars)) + 2 * PAD
    top = max([maximum or 0] + [b.value for b in bars]) or 1
    width, height = label_w + AREA + value_w, len(bars) * ROW + 2 * PAD
    desc = desc or ";".join(f"{b.label}:{b.text}" for b in bars)
    parts = [
        f'<svg class="sgz-chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-size="{FONT}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        f'<line x1="{label_w}" y1="{PAD}" x2="{label_w}" y2="{height - PAD}" stroke="currentColor"/>',
    ]
    for i, bar in enumerate(bars):
        mid = PAD + i * ROW + ROW / 2
        length = AREA * max(bar.value, 0) / top
        parts += [
            f'<text x="{label_w - PAD}" y="{_num(mid)}" text-anchor="end" dominant-baseline="middle" '
            f'fill="currentColor">{escape(bar.label)}</text>',
            f'<rect x="{label_w}" y="{_num(mid - BAR / 2)}" width="{_num(length)}" height="{BAR}" '
            f'fill="{BAR_FILL}"/>',
            f'<text x="{_num(label_w + length + PAD)}" y="{_num(mid)}" dominant-baseline="middle" '
            f'fill="currentColor">{escape(bar.text)}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))
