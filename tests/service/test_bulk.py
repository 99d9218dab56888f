"""service.bulk: the rows a bulk write stores are the rows it was given, ids and defaults
included, on SQLite and PostgreSQL (COPY) alike."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from service.bulk import among, insert_returning_ids, insert_rows, reserve_ids
from service.extensions import db
from service.models import Company, Round


def test_rows_with_every_key_and_rows_missing_some_are_stored_as_given(app: Flask) -> None:
    with app.app_context():
        ids = insert_returning_ids(db.session, Company, [
            {"name": "A", "kvk_number": "10000001", "qualifications": ["25180"],
             "region": "twente"},
            {"name": "B", "kvk_number": "10000002", "qualifications": []}])
        policy = {"status": "open", "objective": "optimal", "priority_first": True,
                  "place_unranked": False, "seed": 1, "time_limit_s": 5.0}
        # A key some rows lack gets its default there.
        insert_rows(db.session, Round, [{"name": "R", "max_preferences": 3, **policy},
                                        {"name": "S", **policy}])
        db.session.commit()
        stored = {c.id: (c.name, c.kvk_number, c.qualifications, c.region)
                  for c in db.session.scalars(select(Company))}
        rounds = sorted((r.name, r.max_preferences, r.status)
                        for r in db.session.scalars(select(Round)))
    assert stored == {ids[0]: ("A", "10000001", ["25180"], "twente"),
                      ids[1]: ("B", "10000002", [], None)}
    assert rounds == [("R", 3, "open"), ("S", Round.max_preferences.default.arg, "open")]


def test_reserved_ids_are_fresh_and_among_finds_exactly_the_given_values(app: Flask) -> None:
    with app.app_context():
        first = insert_returning_ids(db.session, Company, [
            {"name": f"C{i}", "kvk_number": f"2000000{i}", "qualifications": []}
            for i in range(3)])
        more = reserve_ids(db.session, Company, 4)
        assert len(set(more)) == 4 and not set(more) & set(first)
        found = set(db.session.scalars(select(Company.kvk_number).where(
            among(db.session, Company.kvk_number, ["20000000", "20000002", "99999999"]))))
        db.session.rollback()
    assert found == {"20000000", "20000002"}
