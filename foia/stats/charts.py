"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable without CSS.

Each chart is decorative for screen readers beyond its title (``role="img"``): the page puts the
same numbers in a table next to it. Colours come from classes styled in ``public.css``, with fill
attributes as a fallback.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 70
BAR_HEIGHT = 22
GAP = 8
PALETTE = {
    "on_time": "#1b7f4b",
    "late": "#d08a00",
    "silent": "#b3261e",
    "other": "#aab1ba",
    "bar": "#2a5d9f",
    "interval": "#2a5d9f",
    "muted": "#8a8f98",
}


def _svg(title: str, height: int, body: list[str], css: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _truncate(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars(
    title: str, rows: Sequence[tuple[str, float, str]], *, maximum: float | None = None
) -> SafeString:
    """Horizontal bars: (label, value, value as shown)."""
    top = maximum if maximum is not None else max((v for _l, v, _s in rows), default=0)
    top = top or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body = []
    for i, (label, value, shown) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        length = max(span * (value / top), 0)
        body.append(
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_truncate(label))}</text>"
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
            f'height="{BAR_HEIGHT}" fill="{PALETTE["bar"]}"/>'
            f'<text class="value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}">{escape(shown)}</text>'
        )
    height = max(len(rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return _svg(title, height, body, "chart-bars")


@dataclass
class Series:
    key: str
    label: str


def stacked_columns(
    title: str, columns: Sequence[tuple[str, dict[str, int]]], series: Sequence[Series]
) -> SafeString:
    """Stacked columns (one per month) with a legend."""
    height, legend_height, axis = 240, 28, 22
    plot = height - legend_height - axis
    top = max((sum(values.get(s.key, 0) for s in series) for _l, values in columns), default=0) or 1
    n = max(len(columns), 1)
    slot = (WIDTH - 40) / n
    width = max(min(slot * 0.7, 40), 2)
    body = [
        f'<line class="axis" x1="40" y1="{legend_height + plot}" x2="{WIDTH}" '
        f'y2="{legend_height + plot}" stroke="{PALETTE["muted"]}"/>',
        f'<text class="tick" x="34" y="{legend_height + 10}" text-anchor="end">{top}</text>',
        f'<text class="tick" x="34" y="{legend_height + plot}" text-anchor="end">0</text>',
    ]
    x_legend = 40
    for s in series:
        body.append(
            f'<rect class="s-{s.key}" x="{x_legend}" y="4" width="12" height="12" '
            f'fill="{PALETTE.get(s.key, PALETTE["bar"])}"/>'
            f'<text class="legend" x="{x_legend + 16}" y="15">{escape(s.label)}</text>'
        )
        x_legend += 28 + 8 * len(str(s.label))
    label_every = max(1, math.ceil(64 / slot))  # a month label needs about 64 units
    for i, (label, values) in enumerate(columns):
        x = 40 + i * slot + (slot - width) / 2
        y = legend_height + plot
        for s in series:
            value = values.get(s.key, 0)
            h = plot * value / top
            if h > 0:
                y -= h
                body.append(
                    f'<rect class="s-{s.key}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
                    f'height="{h:.1f}" fill="{PALETTE.get(s.key, PALETTE["bar"])}">'
                    f"<title>{escape(label)}: {escape(s.label)} {value}</title></rect>"
                )
        if i % label_every == 0:
            body.append(
                f'<text class="tick" x="{x + width / 2:.1f}" y="{height - 6}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return _svg(title, height, body, "chart-columns")


def intervals(title: str, rows: Sequence[tuple[str, float, float, float]]) -> SafeString:
    """A dot per row (the rate) with its interval drawn as a line, on a 0–100 % scale."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    axis = 18
    body = []
    for tick in (0, 0.5, 1):
        x = LABEL_WIDTH + span * tick
        body.append(
            f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" '
            f'y2="{len(rows) * (BAR_HEIGHT + GAP)}" stroke="{PALETTE["muted"]}" '
            f'stroke-dasharray="2 3"/>'
            f'<text class="tick" x="{x:.1f}" y="{len(rows) * (BAR_HEIGHT + GAP) + 14}" '
            f'text-anchor="middle">{int(tick * 100)} %</text>'
        )
    for i, (label, rate, low, high) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP) + BAR_HEIGHT / 2
        body.append(
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 5:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_truncate(label))}</text>"
            f'<line class="interval" x1="{LABEL_WIDTH + span * low:.1f}" y1="{y:.1f}" '
            f'x2="{LABEL_WIDTH + span * high:.1f}" y2="{y:.1f}" stroke="{PALETTE["interval"]}" '
            f'stroke-width="3"/>'
            f'<circle class="point" cx="{LABEL_WIDTH + span * rate:.1f}" cy="{y:.1f}" r="5" '
            f'fill="{PALETTE["on_time"]}"/>'
            f'<text class="value" x="{WIDTH - VALUE_WIDTH + 8}" y="{y + 5:.1f}">{rate * 100:.0f} %</text>'
        )
    height = len(rows) * (BAR_HEIGHT + GAP) + axis
    return _svg(title, height, body, "chart-intervals")
