"""Server-side SVG charts: bars, horizontal bars and heat maps, with axes and legends.

Drawn here rather than by a script library so the pages need nothing from outside, print as
they look, and carry their numbers in the markup (each mark has a ``data-value`` and a
``<title>``, which the browser tests read and a screen reader announces).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour-blind safe and distinct in greyscale print (Okabe–Ito blue and orange).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float]


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    out = [f'<g class="legend" transform="translate({x:.0f},{y:.0f})">']
    for i, s in enumerate(series):
        dx = i * 170
        out.append(f'<rect x="{dx}" y="-10" width="12" height="12" '
                   f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(f'<text x="{dx + 18}" y="0">{escape(s.name)}</text>')
    out.append("</g>")
    return out


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
              x_label: str, y_label: str, width: int = 640, height: int = 300) -> Markup:
    """Vertical bars, grouped when there is more than one series."""
    left, right, top, bottom = 64, 16, 40, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((v for s in series for v in s.values), default=0))
    parts = [f'<svg id="{escape(chart_id)}" class="chart" role="img" viewBox="0 0 {width} '
             f'{height}" width="100%" {FONT} aria-labelledby="{escape(chart_id)}-title">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>']
    for i in range(5):  # grid lines and y ticks
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#ccc"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{_fmt(value)}</text>')
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for j, label in enumerate(labels):
        gx = left + j * group_w
        for k, s in enumerate(series):
            value = s.values[j]
            h = plot_h * value / top_value
            x = gx + group_w * 0.1 + k * bar_w
            parts.append(
                f'<rect class="bar" data-series="{escape(s.name)}" data-label="{escape(label)}"'
                f' data-value="{_fmt(value)}" x="{x:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                f'<title>{escape(s.name)}, {escape(label)}: {_fmt(value)}</title></rect>')
        parts.append(f'<text x="{gx + group_w / 2:.1f}" y="{top + plot_h + 16}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" '
                 'stroke="#000"/>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" '
                 f'y2="{top + plot_h}" stroke="#000"/>')
    parts.append(f'<text class="axis-label" x="{left + plot_w / 2:.0f}" y="{height - 28}" '
                 f'text-anchor="middle">{escape(x_label)}</text>')
    parts.append(f'<text class="axis-label" transform="translate(14,{top + plot_h / 2:.0f}) '
                 f'rotate(-90)" text-anchor="middle">{escape(y_label)}</text>')
    parts.extend(_legend(series, left, height - 6))
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
               x_label: str, width: int = 760) -> Markup:
    """Horizontal bars: long category names (region · sector · level) stay readable."""
    left, right, top, row_h = 300, 40, 16, 22 * max(len(series), 1) + 6
    plot_w = width - left - right
    height = top + row_h * max(len(labels), 1) + 64
    plot_h = row_h * max(len(labels), 1)
    top_value = _nice_max(max((v for s in series for v in s.values), default=0))
    parts = [f'<svg id="{escape(chart_id)}" class="chart" role="img" viewBox="0 0 {width} '
             f'{height}" width="100%" {FONT} aria-labelledby="{escape(chart_id)}-title">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>']
    for i in range(5):  # grid lines and x ticks
        value = top_value * i / 4
        x = left + plot_w * i / 4
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
                     'stroke="#ccc"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                     f'{_fmt(value)}</text>')
    bar_h = (row_h - 6) / max(len(series), 1)
    for j, label in enumerate(labels):
        y0 = top + j * row_h + 3
        parts.append(f'<text x="{left - 6}" y="{y0 + row_h / 2:.1f}" text-anchor="end">'
                     f'{escape(label)}</text>')
        for k, s in enumerate(series):
            value = s.values[j]
            w = plot_w * value / top_value
            y = y0 + k * bar_h
            parts.append(
                f'<rect class="bar" data-series="{escape(s.name)}" data-label="{escape(label)}"'
                f' data-value="{_fmt(value)}" x="{left}" y="{y:.1f}" width="{w:.1f}" '
                f'height="{bar_h - 2:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                f'<title>{escape(label)}: {_fmt(value)}</title></rect>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h / 2 + 3:.1f}">'
                         f'{_fmt(value)}</text>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" '
                 'stroke="#000"/>')
    parts.append(f'<text class="axis-label" x="{left + plot_w / 2:.0f}" '
                 f'y="{top + plot_h + 34}" text-anchor="middle">{escape(x_label)}</text>')
    parts.extend(_legend(series, left, height - 6))
    parts.append("</svg>")
    return Markup("".join(parts))


def _heat_colour(share: float) -> str:
    """White (empty) to dark blue (full), linear in the fill share, clipped at 100%."""
    t = max(0.0, min(1.0, share))
    r, g, b = (round(255 + (end - 255) * t) for end in (8, 48, 107))
    return f"rgb({r},{g},{b})"


def heat_map(chart_id: str, title: str, rows: Sequence[str], cols: Sequence[str],
             cells: dict[tuple[str, str], tuple[int, int]], row_label: str,
             col_label: str) -> Markup:
    """Fill share per (row, column) from (filled, capacity); blank where there is no capacity."""
    left, top, cell_w, cell_h = 130, 110, 92, 30
    width = left + cell_w * max(len(cols), 1) + 90  # room for the last slanted label
    height = top + cell_h * max(len(rows), 1) + 70
    parts = [f'<svg id="{escape(chart_id)}" class="chart heat" role="img" viewBox="0 0 {width}'
             f' {height}" width="100%" {FONT} aria-labelledby="{escape(chart_id)}-title">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
             f'<text class="axis-label" x="{left + cell_w * len(cols) / 2:.0f}" y="14" '
             f'text-anchor="middle">{escape(col_label)}</text>',
             f'<text class="axis-label" x="{left - 6}" y="{top - 6}" text-anchor="end">'
             f'{escape(row_label)}</text>']
    for j, col in enumerate(cols):
        x = left + j * cell_w + cell_w / 3
        # Slanted up and to the right from the column's foot, so long names stay inside.
        parts.append(f'<text x="{x:.0f}" y="{top - 6}" text-anchor="start" '
                     f'transform="rotate(-30 {x:.0f} {top - 6})">{escape(col)}</text>')
    for i, row in enumerate(rows):
        y = top + i * cell_h
        parts.append(f'<text x="{left - 6}" y="{y + cell_h / 2 + 4:.0f}" text-anchor="end">'
                     f'{escape(row)}</text>')
        for j, col in enumerate(cols):
            x = left + j * cell_w
            filled, capacity = cells.get((row, col), (0, 0))
            if capacity == 0:
                parts.append(f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" '
                             'fill="#f4f4f4" stroke="#fff"><title>geen plaatsen</title></rect>')
                continue
            share = filled / capacity
            ink = "#fff" if share > 0.55 else "#000"
            parts.append(
                f'<rect class="cell" data-row="{escape(row)}" data-col="{escape(col)}" '
                f'data-filled="{filled}" data-capacity="{capacity}" x="{x}" y="{y}" '
                f'width="{cell_w}" height="{cell_h}" fill="{_heat_colour(share)}" '
                f'stroke="#fff"><title>{escape(row)} · {escape(col)}: {filled} van {capacity}'
                f' plaatsen bezet</title></rect>')
            parts.append(f'<text x="{x + cell_w / 2}" y="{y + cell_h / 2 + 4}" '
                         f'text-anchor="middle" fill="{ink}">{share:.0%}</text>')
    # Legend: the colour scale from 0% to 100% filled.
    ly = top + cell_h * len(rows) + 22
    parts.append(f'<g class="legend" transform="translate({left},{ly})">'
                 '<text x="0" y="10">bezet:</text>')
    for k in range(6):
        share = k / 5
        parts.append(f'<rect x="{50 + k * 44}" y="0" width="44" height="14" '
                     f'fill="{_heat_colour(share)}" stroke="#999"/>'
                     f'<text x="{50 + k * 44 + 22}" y="30" text-anchor="middle">'
                     f'{share:.0%}</text>')
    parts.append(f'<rect x="{50 + 6 * 44 + 16}" y="0" width="44" height="14" fill="#f4f4f4" '
                 f'stroke="#999"/><text x="{50 + 7 * 44 + 20}" y="10">geen plaatsen</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))
