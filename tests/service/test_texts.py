"""Words for people: the message catalogue, Dutch formats, and names instead of codes.

The catalogue is checked against the code: every text that code or templates pass through
gettext has a Dutch translation, and the committed .mo files say what their .po files say
(see docs/TRANSLATIONS.md for why the .mo files are committed).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask, g

from service import texts
from service.extensions import db
from service.identity.principals import Principal
from service.models import RefRegion, RefSector, Role, School
from service.web.staff import charts
from solver.model import OBJECTIVES, UNASSIGNED_REASONS

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "service" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted() -> set[str]:
    """Every msgid in the code and templates, as `make translations` collects them."""
    method_map = [("service/**.py", "python"), ("service/**/templates/**.html", "jinja2")]
    ids: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords={**KEYWORDS}):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalogue(language: str):  # type: ignore[no-untyped-def]
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def test_every_text_in_code_and_templates_has_a_dutch_translation() -> None:
    found = extracted()
    assert len(found) > 200  # the extraction saw the dashboard, not an empty tree
    nl = catalogue("nl")
    missing = sorted(m for m in found if m not in nl)
    untranslated = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in nl
                          if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str)
                                                       else all(m.string))))
    assert missing == [], f"not in nl/messages.po (run make translations): {missing}"
    assert untranslated == [], f"no Dutch yet: {untranslated}"


def test_the_template_lists_every_text() -> None:
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert extracted() <= template, "messages.pot is stale: run make translations"


def test_the_compiled_catalogue_matches_its_source() -> None:
    po = catalogue("nl")
    with open(TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        mo = read_mo(f)
    def entries(messages):  # type: ignore[no-untyped-def]
        return {(m.id if isinstance(m.id, str) else tuple(m.id)):
                (m.string if isinstance(m.string, str) else tuple(m.string))
                for m in messages if m.id and not m.fuzzy}

    assert entries(po) == entries(mo), "messages.mo is stale: run make translations"


def test_templates_have_no_inline_script_handler_or_style() -> None:
    """The pages' content security policy blocks all three: nothing may rely on them."""
    for path in (ROOT / "service").rglob("templates/**/*.html"):
        html = path.read_text()
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline handler in {path}"
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), f"inline script in {path}"
        assert not re.search(r"\sstyle\s*=", html), f"inline style in {path}"


@pytest.fixture
def request_context(app: Flask):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        yield


@pytest.mark.usefixtures("request_context")
def test_numbers_and_dates_are_dutch() -> None:
    assert texts.number(1234) == "1.234"
    assert texts.percent(0.92) == "92,0%"
    assert texts.km(13.7) == "13,7 km"
    assert texts.decimal(2.7) == "2,7"
    assert texts.signed(-2) == "−2" and texts.signed(3) == "+3"
    assert texts.signed(-7.8, 1) == "−7,8"
    assert texts.date(dt.date(2026, 12, 1)) == "1 december 2026"
    # Stored times are UTC; people read Dutch clock time (CET in December).
    assert texts.time(dt.datetime(2026, 12, 1, 15, 5)) == "16:05"
    assert texts.moment(dt.datetime(2026, 12, 1, 15, 5, tzinfo=dt.UTC)) == \
        "1 december 2026, 16:05"


@pytest.mark.usefixtures("request_context")
def test_every_policy_has_its_dutch_name_and_explanation() -> None:
    assert {o: texts.policy_name(o) for o in OBJECTIVES} == {
        "optimal": "Zoveel mogelijk geplaatst", "rank_maximal": "Zoveel mogelijk eerste keuzes",
        "stable": "Eerlijke volgorde"}
    assert all(texts.policy_explanation(o) for o in OBJECTIVES)
    assert str(texts.POLICIES["stable"].advice) == \
        "Zet je plekken in je echte volgorde: een andere volgorde helpt je nooit."


@pytest.mark.usefixtures("request_context")
def test_every_unplaced_reason_is_a_plain_sentence() -> None:
    assert set(texts.REASON_LABELS) == set(UNASSIGNED_REASONS)
    assert texts.reason_for_student("no_preferences") == "Geen voorkeurslijst ingeleverd."
    assert texts.reason_for_student("no_eligible_offer") == \
        "Er was in deze ronde geen plek die bij je opleiding, niveau of regio past."
    for code in UNASSIGNED_REASONS:
        for sentence in (texts.reason_for_staff(code), texts.reason_for_student(code)):
            assert sentence.endswith(".") and "_" not in sentence


@pytest.mark.usefixtures("request_context")
def test_the_shortage_line_says_seats_and_students() -> None:
    assert texts.shortage_line({"would_place": 1234}) == \
        "+1.234 plaatsen in deze cel → 1.234 studenten meer geplaatst"
    assert texts.shortage_line({"would_place": 1}) == \
        "+1 plaats in deze cel → 1 student meer geplaatst"


@pytest.mark.usefixtures("request_context")
def test_names_come_from_the_reference_tables_then_the_bundled_files() -> None:
    assert texts.sector_name("zorg-welzijn") == "Zorg, welzijn en sport"  # bundled file
    assert texts.region_name("twente") == "Twente"
    with db.transaction() as session:
        # The tables may already hold the bundled rows (the schema's seed): these replace them.
        session.merge(RefSector(id="zorg-welzijn", name="Zorg en welzijn", sbb_chamber="Zorg",
                                employment_share=0.2))
        session.merge(RefRegion(id="achterhoek", name="Achterhoek"))
    g.pop("reference_names", None)  # read once per app context: a new context reads again
    assert texts.sector_name("zorg-welzijn") == "Zorg en welzijn"
    assert texts.region_name("achterhoek") == "Achterhoek"


@pytest.mark.usefixtures("request_context")
def test_a_person_is_named_by_role_and_scope() -> None:
    with db.transaction() as session:
        school = School(name="ROC van Twente", code="rocvantwente", region="twente")
        session.add(school)
        session.flush()
        school_id = school.id
    assert texts.who(Principal(Role.COORDINATOR, f"school:{school_id}")) == \
        "Coördinator · ROC van Twente"
    assert texts.who(Principal(Role.COORDINATOR, "region:twente")) == \
        "Coördinator · regio Twente"
    assert texts.who(Principal(Role.ADMIN, "")) == "Beheerder"


def test_the_stylesheet_has_the_heat_colours_the_charts_use() -> None:
    css = (ROOT / "service" / "web" / "static" / "dashboard.css").read_text()
    for rule in charts.heat_css().splitlines():
        assert rule in css


def test_a_report_made_outside_a_request_is_dutch_too(app: Flask) -> None:
    """The demo report and jobs format in an app context, with no request."""
    with app.app_context():
        assert texts.percent(0.92) == "92,0%"
        assert texts.policy_name("stable") == "Eerlijke volgorde"
        assert texts.reason_for_staff("no_preferences") == "Geen voorkeurslijst ingeleverd."


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize(("code", "dutch"), [
    ("level", "het niveau past niet"),
    ("pathway", "de leerweg (BOL of BBL) past niet"),
    ("region", "de regio past niet"),
    ("qualification", "de kwalificatie past niet"),
    ("sector", "de sector past niet"),
    ("period", "de periode past niet"),
])
def test_every_eligibility_rule_code_reads_as_a_dutch_sentence(code: str, dutch: str) -> None:
    from solver.verify import RULE_NUMBER, BrokenRule

    assert code in RULE_NUMBER
    assert texts.rule_text(BrokenRule(code, ())) == dutch


@pytest.mark.usefixtures("request_context")
def test_the_distance_rule_reads_with_both_distances_in_dutch() -> None:
    from solver.verify import BrokenRule

    rule = BrokenRule("distance", (("km", 34.56), ("limit_km", 30.0)))
    assert texts.rule_text(rule) == "te ver weg: 34,6 km, hoogstens 30,0 km"


@pytest.mark.usefixtures("request_context")
def test_every_seat_reason_reads_in_dutch() -> None:
    from solver.model import SEAT_REASONS

    words = {code: texts.seat_taken(code) for code in SEAT_REASONS}
    assert words == {"full": "vol",
                     "reserved": "de overige plaatsen zijn gereserveerd voor studenten met "
                                 "voorrang",
                     "environment_full": "de hybride leeromgeving was vol"}
