"""Server-side SVG charts: bars, horizontal bars and heat maps, with axes and legends.

Drawn here rather than by a script library so the pages need nothing from outside, print as
they look, and carry their numbers in the markup (each mark has a ``data-value`` and a
``<title>``, which the browser tests read and a screen reader announces).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from service import texts

# Colour-blind safe and distinct in greyscale print (Okabe–Ito blue and orange).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
CHAR_W = 6.6  # about the width of a character at that size, for laying out names


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


def _figure(chart_id: str, title: str, svg: list[str]) -> Markup:
    """The chart under its caption, drawn at its own size in a box that scrolls sideways on a
    narrow screen, rather than shrinking its text below legibility or widening the page."""
    cid = escape(chart_id)
    return Markup(f'<figure class="chart-figure"><figcaption id="{cid}-title">{escape(title)}'
                  f'</figcaption><div class="scroll chart-box" tabindex="0" role="region" '
                  f'aria-labelledby="{cid}-title">' + "".join(svg) + "</div></figure>")


def _legend(series: Sequence[Series], x: float, y: float, vertical: bool = False
            ) -> list[str]:
    out = [f'<g class="legend" transform="translate({x:.0f},{y:.0f})">']
    for i, s in enumerate(series):
        dx, dy = (0, i * 15) if vertical else (i * 170, 0)
        out.append(f'<rect x="{dx}" y="{dy - 10}" width="12" height="12" '
                   f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(f'<text x="{dx + 18}" y="{dy}">{escape(s.name)}</text>')
    out.append("</g>")
    return out


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
              x_label: str, y_label: str, width: int = 640, height: int = 300) -> Markup:
    """Vertical bars, grouped when there is more than one series."""
    left, right, top, bottom = 64, 16, 40, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((v for s in series for v in s.values), default=0))
    parts = [f'<svg id="{escape(chart_id)}" class="chart" role="img" viewBox="0 0 {width} '
             f'{height}" width="{width}" height="{height}" {FONT} '
             f'aria-labelledby="{escape(chart_id)}-title">']
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
        # A name wider than its bars goes on two lines rather than into its neighbour's.
        for n, line in enumerate(_wrap(label, max(3, int(group_w / CHAR_W)))[:2]):
            parts.append(f'<text x="{gx + group_w / 2:.1f}" y="{top + plot_h + 16 + n * 13}" '
                         f'text-anchor="middle">{escape(line)}</text>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" '
                 'stroke="#000"/>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" '
                 f'y2="{top + plot_h}" stroke="#000"/>')
    parts.append(f'<text class="axis-label" x="{left + plot_w / 2:.0f}" y="{height - 22}" '
                 f'text-anchor="middle">{escape(x_label)}</text>')
    parts.append(f'<text class="axis-label" transform="translate(14,{top + plot_h / 2:.0f}) '
                 f'rotate(-90)" text-anchor="middle">{escape(y_label)}</text>')
    parts.extend(_legend(series, left, height - 6))
    parts.append("</svg>")
    return _figure(chart_id, title, parts)


def _wrap(text: str, limit: int, sep: str = " · ") -> list[str]:
    """A name on as few lines as fit ``limit`` characters, broken after its " · " parts
    (or its spaces when one part is too long)."""
    lines: list[str] = []
    for part in text.split(sep):
        if lines and len(lines[-1]) + len(sep) + len(part) <= limit:
            lines[-1] += sep + part
            continue
        words: list[str] = []
        for word in part.split(" "):
            if words and len(words[-1]) + 1 + len(word) <= limit:
                words[-1] += " " + word
            else:
                words.append(word)
        if lines:
            lines[-1] += sep.rstrip()
        lines.extend(words)
    return lines


def hbar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
               x_label: str, plot_w: int = 250) -> Markup:
    """Horizontal bars, each under its name: long category names (region · sector · level)
    wrap instead of widening the chart, so it fits a phone's width at a legible size."""
    left, right, top, line_h, bar_h, gap = 6, 40, 8, 15, 14, 10
    width = left + plot_w + right
    names = [_wrap(label, int((width - left) / CHAR_W)) for label in labels]
    row_hs = [len(lines) * line_h + bar_h * max(len(series), 1) + gap for lines in names]
    plot_h = sum(row_hs)
    legend_y = top + plot_h + 48
    height = legend_y + line_h * len(series) + 4
    top_value = _nice_max(max((v for s in series for v in s.values), default=0))
    parts = [f'<svg id="{escape(chart_id)}" class="chart" role="img" viewBox="0 0 {width} '
             f'{height}" width="{width}" height="{height}" {FONT} '
             f'aria-labelledby="{escape(chart_id)}-title">']
    for i in range(5):  # grid lines and x ticks
        value = top_value * i / 4
        x = left + plot_w * i / 4
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
                     'stroke="#ccc"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                     f'{_fmt(value)}</text>')
    y0 = top
    for j, (label, lines) in enumerate(zip(labels, names, strict=True)):
        for n, line in enumerate(lines):
            parts.append(f'<text x="{left}" y="{y0 + (n + 1) * line_h - 3}">{escape(line)}'
                         '</text>')
        y = y0 + len(lines) * line_h
        for k, s in enumerate(series):
            value = s.values[j]
            w = plot_w * value / top_value
            parts.append(
                f'<rect class="bar" data-series="{escape(s.name)}" data-label="{escape(label)}"'
                f' data-value="{_fmt(value)}" x="{left}" y="{y:.1f}" width="{w:.1f}" '
                f'height="{bar_h - 2:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                f'<title>{escape(s.name)}, {escape(label)}: {_fmt(value)}</title></rect>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4:.1f}">'
                         f'{_fmt(value)}</text>')
            y += bar_h
        y0 += row_hs[j]
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" '
                 'stroke="#000"/>')
    parts.append(f'<text class="axis-label" x="{left + plot_w / 2:.0f}" '
                 f'y="{top + plot_h + 34}" text-anchor="middle">{escape(x_label)}</text>')
    parts.extend(_legend(series, left, legend_y + 10, vertical=True))
    parts.append("</svg>")
    return _figure(chart_id, title, parts)


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
               cells: dict[tuple[str, str], tuple[int, int]], corner: str,
               hidden: Collection[tuple[str, str]] = ()) -> Markup:
    """Fill share per (row, column) from (filled, capacity), as a table of coloured cells.

    A table rather than a drawing: its names wrap and keep their size on a phone, a screen
    reader reads it cell by cell, and its caption sits above it. ``rows`` and ``cols`` are
    (code, name) pairs; ``cells`` is keyed by the codes (column code, row code). A cell in
    ``hidden`` (the open monitor's suppressed figures) shows its seats but not how many are
    taken.
    """
    tid = escape(table_id)
    out = [f'<div class="scroll" tabindex="0" role="region" aria-labelledby="{tid}-caption">'
           f'<table class="heat" id="{tid}"><caption id="{tid}-caption">{escape(caption)}'
           f'</caption><thead><tr><th scope="col">{escape(corner)}</th>']
    out.extend(f'<th scope="col">{escape(name)}</th>' for _code, name in cols)
    out.append("</tr></thead><tbody>")
    no_seats, secret = escape(_("no seats")), escape(_("hidden: too few students"))
    for row_code, row_name in rows:
        out.append(f'<tr><th scope="row">{escape(row_name)}</th>')
        for col_code, _name in cols:
            filled, capacity = cells.get((col_code, row_code), (0, 0))
            if capacity == 0:
                out.append(f'<td class="empty"><span aria-hidden="true">–</span>'
                           f'<span class="visually-hidden">{no_seats}</span></td>')
                continue
            if (col_code, row_code) in hidden:
                seats = escape(_("%(capacity)s seats", capacity=texts.number(capacity)))
                out.append(f'<td class="hidden-figure" data-capacity="{capacity}">'
                           f'<span aria-hidden="true">*</span> <span class="count">{seats}'
                           f'</span><span class="visually-hidden">{secret}</span></td>')
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
