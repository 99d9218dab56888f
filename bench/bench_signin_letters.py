"""How long the dashboard takes to make sign-in links for one school: CSV and printable letters.

A fresh SQLite database with one school of ``--students`` students (1,000 by default); a
coordinator signs in through a one-time link, then the Flask test client posts
``/dashboard/links`` once as CSV and once as letters (one inline SVG QR code per student).
Prints each answer's status, wall time and size.

    .venv/bin/python bench/bench_signin_letters.py --students 1000
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time

from service.app import create_app
from service.extensions import db
from service.identity.links import create_link
from service.migrate import upgrade
from service.models import School, Student


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1000)
    args = parser.parse_args()
    url = f"sqlite:///{tempfile.mkdtemp()}/letters.sqlite"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "TESTING": True, "JOBS_MODE": "eager"})
    with app.app_context(), db.transaction() as session:
        school = School(name="ROC", code="roc", region="twente")
        session.add(school)
        session.flush()
        session.add_all(Student(school_id=school.id, student_number=f"n{n}", level=2,
                                pathways=["BOL"], sector="gastvrijheid", regions=["twente"],
                                priority=False) for n in range(args.students))
        school_id = school.id
        secret = create_link(session, None, "coordinator", f"school:{school_id}")[1]
    client = app.test_client()
    page = client.get(f"/inloggen/link/{secret}").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    client.post(f"/inloggen/link/{secret}", data={"csrf_token": match.group(1)})
    with client.session_transaction() as cookie:
        csrf = cookie["csrf"]
    for kind in ("csv", "letters"):
        start = time.perf_counter()
        response = client.post("/dashboard/links", data={
            "csrf_token": csrf, "format": kind, "school_id": str(school_id)})
        print(f"{kind}: {response.status_code} in {time.perf_counter() - start:.2f} s, "
              f"{len(response.data) // 1024} KiB")


if __name__ == "__main__":
    main()
