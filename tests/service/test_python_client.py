"""The generated Python client (clients/python, `make client`) drives a small round against
the running app: a live server on a free port, as in the browser tests; and it is current
with api_spec/openapi.yaml."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from flask import Flask

from service.extensions import db
from service.identity.tokens import issue_token

from .test_dashboard_browser import server  # noqa: F401  (the fixture: the app on a port)

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "python"
sys.path.insert(0, str(CLIENT))

from leerplek_client import AuthenticatedClient  # noqa: E402
from leerplek_client.api.assignments import (  # noqa: E402
    get_api_v1_assignments,
    post_api_v1_assignments_assignment_id_accept,
)
from leerplek_client.api.companies import post_api_v1_companies  # noqa: E402
from leerplek_client.api.jobs import get_api_v1_jobs_job_id  # noqa: E402
from leerplek_client.api.offers import post_api_v1_offers  # noqa: E402
from leerplek_client.api.rounds import (  # noqa: E402
    post_api_v1_rounds,
    post_api_v1_rounds_round_id_action,
    post_api_v1_rounds_round_id_allocate,
    put_api_v1_rounds_round_id_preferences_student_id,
)
from leerplek_client.api.schools import post_api_v1_schools  # noqa: E402
from leerplek_client.api.students import post_api_v1_students  # noqa: E402
from leerplek_client.api.tokens import post_api_v1_tokens  # noqa: E402
from leerplek_client.models import (  # noqa: E402
    Answer,
    Assignment,
    Company,
    IssuedToken,
    Job,
    Offer,
    OfferPathwaysItem,
    OfferStatus,
    PostApiV1RoundsRoundIdActionAction,
    Preferences,
    Problem,
    Round,
    School,
    Student,
    StudentPathwaysItem,
    Token,
    TokenRole,
)

Action = PostApiV1RoundsRoundIdActionAction


def token_for(admin: AuthenticatedClient, base_url: str, role: TokenRole,
              scope: str) -> AuthenticatedClient:
    issued = post_api_v1_tokens.sync(client=admin, body=Token(role=role, scope=scope))
    assert isinstance(issued, IssuedToken), issued
    return AuthenticatedClient(base_url=base_url, token=issued.token)


def test_a_small_round_through_the_client(app: Flask, server: str) -> None:  # noqa: F811
    with app.app_context(), db.transaction() as session:
        admin = AuthenticatedClient(base_url=server, token=issue_token(session, "admin", ""))

    school = post_api_v1_schools.sync(client=admin, body=School(
        name="ROC van Twente", code="ROCVT", region="twente"))
    assert isinstance(school, School) and isinstance(school.id, int)
    company = post_api_v1_companies.sync(client=admin, body=Company(
        name="Hotel De Broeierd", kvk_number="06012345", qualifications=["25180"]))
    assert isinstance(company, Company) and isinstance(company.id, int)
    rnd = post_api_v1_rounds.sync(client=admin, body=Round(name="Voorjaar",
                                                           school_id=school.id))
    assert isinstance(rnd, Round) and isinstance(rnd.id, int)

    hotel = token_for(admin, server, TokenRole.COMPANY, f"company:{company.id}")
    offer = post_api_v1_offers.sync(client=hotel, body=Offer(
        levels=[2], pathways=[OfferPathwaysItem.BOL], qualifications=["25180"],
        sector="gastvrijheid", region="twente", capacity=1, round_id=rnd.id,
        status=OfferStatus.OPEN, title="Kok"))
    assert isinstance(offer, Offer) and offer.company_id == company.id
    student = post_api_v1_students.sync(client=admin, body=Student(
        school_id=school.id, student_number="s-1", level=2, qualification="25180",
        pathways=[StudentPathwaysItem.BOL],
        sector="gastvrijheid", regions=["twente"]))
    assert isinstance(student, Student) and isinstance(student.id, int)
    me = token_for(admin, server, TokenRole.STUDENT, f"student:{student.id}")

    def step(action: Action) -> None:
        moved = post_api_v1_rounds_round_id_action.sync(rnd.id, action, client=admin)
        assert isinstance(moved, Round), moved

    step(Action.OPEN)
    assert isinstance(offer.id, int)
    listed = put_api_v1_rounds_round_id_preferences_student_id.sync(
        rnd.id, student.id, client=me, body=Preferences(offers=[offer.id]))
    assert isinstance(listed, Preferences) and listed.offers == [offer.id]
    step(Action.CLOSE)
    # A refusal comes back as the problem, typed: the round is no longer open.
    late = put_api_v1_rounds_round_id_preferences_student_id.sync(
        rnd.id, student.id, client=me, body=Preferences(offers=[offer.id]))
    assert isinstance(late, Problem) and late.status == 409
    job = post_api_v1_rounds_round_id_allocate.sync(rnd.id, client=admin)
    assert isinstance(job, Job) and isinstance(job.id, int)
    polled = get_api_v1_jobs_job_id.sync(job.id, client=admin)
    assert isinstance(polled, Job) and polled.status == "finished"
    step(Action.PUBLISH)

    mine = get_api_v1_assignments.sync(client=me)
    assert isinstance(mine, list) and [a.offer_id for a in mine] == [offer.id]
    assert isinstance(mine[0].id, int)
    accepted = post_api_v1_assignments_assignment_id_accept.sync(mine[0].id, client=me,
                                                                 body=Answer())
    assert isinstance(accepted, Assignment) and accepted.status == "accepted"


def test_the_committed_client_matches_the_spec(tmp_path: Path) -> None:
    fresh = tmp_path / "leerplek_client"
    subprocess.run([sys.executable, "-m", "openapi_python_client", "generate",
                    "--path", str(ROOT / "api_spec" / "openapi.yaml"), "--meta", "none",
                    "--output-path", str(fresh),
                    "--config", str(CLIENT / "openapi-python-client.yaml")],
                   check=True, capture_output=True, timeout=300)
    stale = _differences(filecmp.dircmp(fresh, CLIENT / "leerplek_client",
                                        ignore=["__pycache__"]))
    assert stale == [], f"clients/python is stale: run `make client` ({stale[:5]})"


def _differences(cmp: filecmp.dircmp[str]) -> list[str]:
    found = [*cmp.left_only, *cmp.right_only, *cmp.diff_files]
    for sub in cmp.subdirs.values():
        found += _differences(sub)
    return found
