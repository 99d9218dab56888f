"""Server-side SVG charts: bars, horizontal bars and heat maps, with axes and legends.

Drawn here rather than by a script library so the pages need nothing from outside, print as
they look, and carry their numbers in the markup (each mark has a ``data-value`` and a
``<title>``, which the browser tests read and a screen reader announces).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import texts

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
    return texts.number(value) if float(value).is_integer() else texts.decimal(value, 1)


def _figure(chart_id: str, title: str, svg: list[str], kind: str) -> Markup:
    """The chart under its caption, in a box that scrolls sideways on a narrow screen rather
    than shrinking the chart's text below legibility or widening the page (``kind`` sets the
    least width the chart keeps, in the stylesheet)."""
    cid = escape(chart_id)
    return Markup(f'<figure class="chart-figure"><figcaption id="{cid}-title">{escape(title)}'
                  f'</figcaption><div class="scroll chart-box" tabindex="0" role="region" '
                  f'aria-labelledby="{cid}-title"><div class="chart-min {kind}">'
                  + "".join(svg) + "</div></div></figure>")


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
             f'{height}" width="100%" {FONT} aria-labelledby="{escape(chart_id)}-title">']
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
    return _figure(chart_id, title, parts, "bars")


def hbar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
               x_label: str, width: int = 760) -> Markup:
    """Horizontal bars: long category names (region · sector · level) stay readable."""
    left, right, top, row_h = 300, 40, 16, 22 * max(len(series), 1) + 6
    plot_w = width - left - right
    height = top + row_h * max(len(labels), 1) + 64
    plot_h = row_h * max(len(labels), 1)
    top_value = _nice_max(max((v for s in series for v in s.values), default=0))
    parts = [f'<svg id="{escape(chart_id)}" class="chart" role="img" viewBox="0 0 {width} '
             f'{height}" width="100%" {FONT} aria-labelledby="{escape(chart_id)}-title">']
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
    return _figure(chart_id, title, parts, "wide")


def _heat_colour(share: float) -> str:
    """White (empty) to dark blue (full), linear in the fill share, clipped at 100%."""
    t = max(0.0, min(1.0, share))
    r, g, b = (round(255 + (end - 255) * t) for end in (8, 48, 107))
    return f"rgb({r},{g},{b})"


def _ink(share: float) -> str:
    """Black or white, whichever contrasts more with the cell's colour (WCAG: at least 4.5:1
    either way on this scale)."""
    t = max(0.0, min(1.0, share))

    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (255 + (end - 255) * t for end in (8, 48, 107))
    lum = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "#000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#fff"


def _ink_class(share: float) -> str:
    return "dark" if _ink(share) == "#000" else "light"


def heat_table(table_id: str, caption: str, rows: Sequence[tuple[str, str]],
               cols: Sequence[tuple[str, str]],
               cells: dict[tuple[str, str], tuple[int, int]], corner: str) -> Markup:
    """Fill share per (row, column) from (filled, capacity), as a table of coloured cells.

    A table rather than a drawing: its names wrap and keep their size on a phone, a screen
    reader reads it cell by cell, and its caption sits above it. ``rows`` and ``cols`` are
    (code, name) pairs; ``cells`` is keyed by the codes (column code, row code).
    """
    tid = escape(table_id)
    out = [f'<div class="scroll" tabindex="0" role="region" aria-labelledby="{tid}-caption">'
           f'<table class="heat" id="{tid}"><caption id="{tid}-caption">{escape(caption)}'
           f'</caption><thead><tr><th scope="col">{escape(corner)}</th>']
    out.extend(f'<th scope="col">{escape(name)}</th>' for _code, name in cols)
    out.append("</tr></thead><tbody>")
    no_seats = escape(_("no seats"))
    for row_code, row_name in rows:
        out.append(f'<tr><th scope="row">{escape(row_name)}</th>')
        for col_code, _name in cols:
            filled, capacity = cells.get((col_code, row_code), (0, 0))
            if capacity == 0:
                out.append(f'<td class="empty">{no_seats}</td>')
                continue
            share = filled / capacity
            step = min(10, max(0, round(share * 10)))
            count = _("%(filled)s of %(capacity)s", filled=texts.number(filled),
                      capacity=texts.number(capacity))
            out.append(
                f'<td class="cell heat-{step} ink-{_ink_class(step / 10)}" '
                f'data-filled="{filled}" data-capacity="{capacity}">'
                f'<span class="share">{escape(texts.percent(share, 0))}</span> '
                f'<span class="count">{escape(count)}</span></td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return Markup("".join(out))


def heat_legend() -> Markup:
    """The colour scale of the heat tables, from empty to full."""
    steps = "".join(f'<li class="heat-{k * 2} ink-{_ink_class(k / 5)}">'
                    f'{escape(texts.percent(k / 5, 0))}</li>' for k in range(6))
    title, no_seats = escape(_("Seats taken:")), escape(_("no seats"))
    return Markup(f'<p class="note" id="heat-legend-title">{title}</p>'
                  f'<ul class="heat-legend" aria-labelledby="heat-legend-title">{steps}'
                  f'<li class="empty">{no_seats}</li></ul>')


def heat_css() -> str:
    """The stylesheet rules for the eleven colour steps (generated once into the CSS file)."""
    return "\n".join(f".heat-{k} {{ background: {_heat_colour(k / 10)}; }}"
                     for k in range(11))
