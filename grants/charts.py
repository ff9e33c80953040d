"""Bar charts drawn on the server as SVG: no CDN, no JavaScript. A `Chart` holds the numbers once;
the template draws its SVG and, beside it, the same numbers as a table (screen readers, printing)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup, escape

from grants.money import format_yuan

WIDTH = 320
LABEL_WIDTH = 104
VALUE_WIDTH = 84
BAR_HEIGHT = 14
BAR_GAP = 3
ROW_GAP = 10
TOP = 6


def _text(value, money: bool) -> str:
    if money:
        return format_yuan(value)
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


@dataclass
class Chart:
    """Horizontal grouped bars: one row per label, one bar per series."""

    key: str
    title: str
    series: list[str]
    rows: list[tuple[str, list]] = field(default_factory=list)   # (label, [value per series])
    money: bool = False
    label_heading: str = ""   # the table's first column heading (what a row is)

    @property
    def empty(self) -> bool:
        return not any(v for _, values in self.rows for v in values)

    def cell(self, value) -> str:
        return _text(value, self.money)

    def svg(self) -> Markup:
        top = max((v for _, values in self.rows for v in values), default=0) or 1
        span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
        group = len(self.series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
        height = TOP * 2 + max(len(self.rows), 1) * (group + ROW_GAP)
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
                 f'role="img" aria-label="{escape(self.title)}" class="chart-svg" data-chart="{self.key}">']
        y = TOP
        for label, values in self.rows:
            parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + group / 2 + 4:.1f}" text-anchor="end">'
                         f'{escape(_clip(label))}</text>')
            for i, value in enumerate(values):
                width = 0 if not value else max(1.0, float(Decimal(value) / Decimal(top)) * span)
                name = self.series[i]
                parts.append(f'<rect class="bar bar-{i + 1}" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" '
                             f'height="{BAR_HEIGHT}" data-value="{value}"><title>{escape(label)} · {escape(name)}: '
                             f'{escape(self.cell(value))}</title></rect>')
                parts.append(f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + BAR_HEIGHT - 3}">'
                             f'{escape(self.cell(value))}</text>')
                y += BAR_HEIGHT + BAR_GAP
            y += ROW_GAP - BAR_GAP
        parts.append("</svg>")
        return Markup("".join(parts))


def _clip(label: str, size: int = 8) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
