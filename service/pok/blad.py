"""The printable bpv-blad of one POK: a PDF in Dutch with the placement's details and the
signature lines of student, parent (for a minor), school and leerbedrijf.

Drawn with fpdf2 (pure Python, no browser or system library) in its built-in Helvetica, so
the service needs no font files; text outside Latin-1 (which that font lacks) is shown as
``?`` rather than failing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from service import texts

WIDTH = 180  # mm between A4's 15 mm margins


def _latin1(value: str) -> str:
    return value.encode("latin-1", "replace").decode("latin-1")


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, dt.date):
        return texts.date(value)
    if isinstance(value, int):
        return texts.number(value)
    return str(value)


class _Blad(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, _latin1(_("Page %(page)s", page=self.page_no())), align="R")


def render(row: Mapping[str, Any]) -> bytes:
    """The bpv-blad of one POK (a ``records.row``) as PDF bytes."""
    pdf = _Blad(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(_latin1(_("Bpv form")))
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=15)
    pdf.multi_cell(WIDTH, 8, _latin1(_("Praktijkovereenkomst: bpv form")),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(WIDTH, 5, _latin1(_(
        "Part of the praktijkovereenkomst (WEB art. 7.2.8) between student, school and "
        "leerbedrijf. Status: %(status)s. Bpv number %(sequence)s.",
        status=texts.label(texts.POK_STATUSES, row["status"]), sequence=row["volgnummer"])),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    sections = [
        (_("Student"), [(_("Student number"), row["studentnummer"]),
                        (_("Level"), row["niveau"]),
                        (_("Pathway"), texts.label(texts.PATHWAYS, row["leerweg"])
                                        if row["leerweg"] else None),
                        (_("Qualification (crebo)"),
                         f"{row['crebo'] or '-'} {row['kwalificatie'] or ''}".strip())]),
        (_("School"), [(_("School"), row["school"]), (_("BRIN"), row["brin"]),
                       (_("Bpv supervisor (school)"), row["praktijkbegeleider_naam"]),
                       (_("E-mail"), row["praktijkbegeleider_email"])]),
        (_("Leerbedrijf"), [(_("Name"), row["leerbedrijf_naam"]),
                            (_("SBB number"), row["leerbedrijf_sbb_code"]),
                            (_("KvK number"), row["leerbedrijf_kvk"]),
                            (_("Address"), " ".join(str(v) for v in (
                                row["leerbedrijf_adres"], row["leerbedrijf_postcode"],
                                row["leerbedrijf_plaats"]) if v) or None),
                            (_("Praktijkopleider"), row["praktijkopleider_naam"]),
                            (_("E-mail"), row["praktijkopleider_email"])]),
        (_("The bpv"), [(_("Start date"), row["begindatum"]),
                        (_("Planned end date"), row["geplande_einddatum"]),
                        (_("Hours in total"), row["uren_totaal"]),
                        (_("Hours per week"), row["uren_per_week"]),
                        (_("Days per week"), row["dagen_per_week"]),
                        (_("Contract date"), row["contractdatum"])]),
    ]
    for title, lines in sections:
        pdf.ln(2)
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(WIDTH, 7, _latin1(str(title)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", size=10)
        for label, value in lines:
            pdf.cell(60, 5.5, _latin1(str(label)))
            pdf.multi_cell(WIDTH - 60, 5.5, _latin1(_shown(value)), new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.cell(WIDTH, 7, _latin1(_("Signatures")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(WIDTH, 5, _latin1(_(
        "By signing, the parties agree to this bpv form and the general terms of the "
        "praktijkovereenkomst. A parent or guardian signs too when the student is a minor.")),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    signers = [_("Student"), _("Parent or guardian (minor student)"),
               _("On behalf of the school"), _("On behalf of the leerbedrijf")]
    # Two signers side by side, each with a line to sign on and one for date and place.
    for pair in (signers[:2], signers[2:]):
        if pdf.get_y() > 240:
            pdf.add_page()
        top = pdf.get_y() + 4
        for column, signer in enumerate(pair):
            x = 15 + column * 95
            pdf.set_xy(x, top)
            pdf.set_font("Helvetica", style="B", size=10)
            pdf.cell(85, 5, _latin1(str(signer)))
            pdf.line(x, top + 17, x + 85, top + 17)
            pdf.set_xy(x, top + 18)
            pdf.set_font("Helvetica", size=8)
            pdf.cell(85, 4, _latin1(_("Name and signature")))
            pdf.line(x, top + 29, x + 85, top + 29)
            pdf.set_xy(x, top + 30)
            pdf.cell(85, 4, _latin1(_("Date and place")))
        pdf.set_xy(15, top + 36)
    return bytes(pdf.output())
