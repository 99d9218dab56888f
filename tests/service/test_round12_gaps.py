"""Issue 12 defects whose fix had no test of its own on the dashboard: a follow-up round's
kept placements counted at their rank (not "buiten de lijst") on the results page, and a
heat map's caption above its own table rather than under it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from .conftest import Factory
from .test_assignments import _follow_up_with_two_accepted
from .test_dashboard import allocated, sign_in


def test_the_follow_ups_results_count_kept_placements_at_their_rank(
        client: FlaskClient, make: Factory) -> None:
    f = _follow_up_with_two_accepted(client, make)
    [nxt] = [r for r in client.get("/api/v1/rounds", headers=f["staff"]).get_json()
             if r["status"] == "open"]
    url = f"/api/v1/rounds/{nxt['id']}"
    client.post(f"{url}/close", headers=f["staff"])
    assert client.post(f"{url}/allocate", headers=f["staff"]).status_code == 202
    sign_in(client, f["staff"])
    html = client.get(f"/dashboard/rounds/{nxt['id']}/results").get_data(as_text=True)
    assert 'id="kpi-kept" data-value="2"' in html
    assert "gemiddeld 1,0" in html  # both kept at their first choice: not 11, not 10,87
    chart = re.search(r'<svg id="chart-rank".*?</svg>', html, re.S)
    assert chart
    values = dict(re.findall(r'data-label="([^"]+)" data-value="(\d+)"', chart.group(0)))
    assert values["1e"] == "2" and values["buiten de lijst"] == "0"


def test_a_heat_maps_caption_is_the_first_thing_in_its_table(client: FlaskClient,
                                                              make: Factory) -> None:
    seed, _ = allocated(client, make)
    html = client.get(f"/dashboard/rounds/{seed['round']}/results").get_data(as_text=True)
    tables = re.findall(r'<table class="heat" id="fill-(\d+)">(<caption[^>]*>[^<]*)</caption>',
                        html)
    assert tables and all(caption.endswith(f"Niveau {level}") for level, caption in tables)


def test_downloads_are_named_in_dutch(client: FlaskClient, make: Factory) -> None:
    seed, _ = allocated(client, make)
    rid = seed["round"]
    one = client.get(f"/dashboard/rounds/{rid}/export.csv?school={seed['school']}")
    assert one.headers["Content-Disposition"] == (
        f"attachment; filename=ronde-{rid}-school-{seed['school']}.csv")
    every = client.get(f"/dashboard/rounds/{rid}/export.zip")
    assert every.headers["Content-Disposition"] == f"attachment; filename=ronde-{rid}-scholen.zip"
