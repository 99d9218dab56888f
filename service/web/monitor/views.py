"""The monitor page: one round's heat maps, shortages and pathways, the trend over rounds,
and the agreements' progress. Thin: the figures and their suppression are
``service.monitor``'s; this module only arranges the published rows for the charts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from service import texts
from service.extensions import db
from service.monitor.disclosure import THRESHOLD
from service.monitor.export import agreement_rows
from service.monitor.figures import (
    DIMENSIONS,
    LICENCE,
    PATHWAY_ORDER,
    RoundFigures,
    monitor,
)
from service.web import page_headers
from service.web.staff import charts

blueprint = Blueprint("public_monitor", __name__, url_prefix="/monitor",
                      template_folder="templates")
blueprint.after_request(page_headers)


def _rows(f: RoundFigures, *kept: str) -> list[dict[str, Any]]:
    """The round's rows that keep exactly these dimensions (the others summed over)."""
    return [r for r in f.rows if all((r[d] is not None) == (d in kept) for d in DIMENSIONS)]


def _share(row: dict[str, Any] | None) -> float | None:
    if row is None or row["suppressed"] or not row["students_seeking"]:
        return None
    return float(row["placed"]) / float(row["students_seeking"])


def _round_label(f: RoundFigures) -> str:
    return str(_("%(year)s · %(name)s", year=f.school_year, name=f.round_name))


def _chosen(figures: list[RoundFigures]) -> RoundFigures | None:
    """The round the visitor chose (``?round=``), else the latest finished one."""
    wanted = request.args.get("round", "")
    for f in figures:
        if str(f.round_id) == wanted:
            return f
    return figures[-1] if figures else None


def _round_view(f: RoundFigures) -> dict[str, Any]:
    total = next(iter(_rows(f)), None)
    by_path = {r["pathway"]: r for r in _rows(f, "pathway")}
    hybrid = by_path.get("HYBRID")
    hybrid_share = (float(hybrid["placed"]) / float(total["placed"])
                    if total and hybrid and not hybrid["suppressed"] and not total["suppressed"]
                    and total["placed"] else None)
    cells = _rows(f, "region", "sector", "level")
    levels = sorted({r["level"] for r in cells})
    regions = sorted({r["region"] for r in cells}, key=texts.region_name)
    sectors = sorted({r["sector"] for r in cells}, key=texts.sector_name)
    heat = {}
    for level in levels:
        mine = [r for r in cells if r["level"] == level]
        heat[level] = charts.heat_table(
            f"heat-{level}", _("Level %(level)s", level=level),
            [(s, texts.sector_name(s)) for s in sectors],
            [(r, texts.region_name(r)) for r in regions],
            {(r["region"], r["sector"]): (r["placed"] or 0, r["seats"]) for r in mine},
            _("Sector"), hidden={(r["region"], r["sector"]) for r in mine if r["suppressed"]})
    shortages = sorted((r for r in cells if r["shortage_gain"]),
                       key=lambda r: (-r["shortage_gain"], texts.region_name(r["region"]),
                                      texts.sector_name(r["sector"]), r["level"]))
    rows = [by_path[p] for p in PATHWAY_ORDER if p in by_path]
    # The chart draws the pathways whose counts are published: a hidden count is no bar of
    # zero (the table beside it shows "*").
    shown = [r for r in rows if not r["suppressed"]]
    pathways = charts.bar_chart(
        "chart-pathways", _("Students and seats per pathway"),
        [texts.label(texts.PATHWAYS, r["pathway"]) for r in shown],
        [charts.Series(_("students seeking"), [r["students_seeking"] for r in shown]),
         charts.Series(_("placed"), [r["placed"] for r in shown]),
         charts.Series(_("seats"), [r["seats"] for r in shown])],
        _("pathway"), _("number")) if shown else None
    return {"figures": f, "total": total, "hybrid_share": hybrid_share, "heat": heat,
            "levels": levels, "shortages": shortages[:15], "pathways": pathways,
            "pathway_rows": rows,
            "shortage_chart": charts.hbar_chart(
                "chart-shortage", _("Where extra seats place the most students"),
                [_("%(region)s · %(sector)s · level %(level)s",
                   region=texts.region_name(r["region"]), sector=texts.sector_name(r["sector"]),
                   level=r["level"]) for r in shortages[:10]],
                [charts.Series(_("placed more"), [r["shortage_gain"] for r in shortages[:10]])],
                _("students")) if shortages else None}


def _trend(figures: list[RoundFigures], dimension: str, names: Any
           ) -> tuple[list[tuple[str, str]], dict[str, list[float | None]]]:
    """Placed share per round for each region or sector (None where hidden)."""
    codes: set[str] = set()
    per_round = []
    for f in figures:
        found = {r[dimension]: r for r in _rows(f, dimension)}
        codes |= set(found)
        per_round.append(found)
    ordered = sorted(((c, names(c)) for c in codes), key=lambda pair: pair[1])
    return ordered, {c: [_share(found.get(c)) for found in per_round] for c, _n in ordered}


@blueprint.get("")
def index() -> str:
    with db.transaction() as session:  # a round's figures are kept when first published
        figures = monitor(session)
    chosen = _chosen(figures)
    labels = [_round_label(f) for f in figures]
    regions, region_trend = _trend(figures, "region", texts.region_name)
    sectors, sector_trend = _trend(figures, "sector", texts.sector_name)
    # The chart draws the rounds whose regional shares are all published (a hidden share is
    # no bar of zero); the table below it has every round, "*" where hidden.
    drawn = [i for i in range(len(figures))
             if all(region_trend[code][i] is not None for code, _name in regions)]
    trend_chart = charts.bar_chart(
        "chart-trend-regions", _("Share of students placed per region, per round"),
        [labels[i] for i in drawn],
        [charts.Series(name, [round(100 * (region_trend[code][i] or 0.0), 1) for i in drawn])
         for code, name in regions],
        _("round"), _("placed (%)")) if drawn and regions else None
    return render_template(
        "monitor/index.html", figures=figures, chosen=chosen, labels=labels,
        view=_round_view(chosen) if chosen else None, regions=regions,
        region_trend=region_trend, sectors=sectors, sector_trend=sector_trend,
        trend_chart=trend_chart, agreements=agreement_rows(db.session),
        threshold=THRESHOLD, licence=LICENCE, heat_legend=charts.heat_legend())
