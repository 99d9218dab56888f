"""API tokens: issued once, listed without secrets, revoked and rotated."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from service.cli import main
from service.extensions import db
from service.models import ApiToken

from .conftest import Factory, assert_problem


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_admin_issues_a_token_that_works(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    response = client.post("/api/v1/tokens", headers=make.admin(),
                           json={"role": "coordinator", "scope": f"school:{school}"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["role"] == "coordinator" and body["revoked_at"] is None
    assert client.get("/api/v1/rounds", headers=_bearer(body["token"])).status_code == 200


def test_the_list_never_shows_a_secret(client: FlaskClient, make: Factory) -> None:
    admin = make.admin()
    secret = client.post("/api/v1/tokens", headers=admin,
                         json={"role": "admin"}).get_json()["token"]
    response = client.get("/api/v1/tokens", headers=admin)
    assert response.status_code == 200
    assert all("token" not in row and "token_hash" not in row for row in response.get_json())
    assert secret not in response.get_data(as_text=True)


def test_a_revoked_token_answers_401(client: FlaskClient, make: Factory) -> None:
    admin = make.admin()
    issued = client.post("/api/v1/tokens", headers=admin, json={"role": "admin"}).get_json()
    assert client.get("/api/v1/schools", headers=_bearer(issued["token"])).status_code == 200
    revoked = client.post(f"/api/v1/tokens/{issued['id']}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert_problem(client.get("/api/v1/schools", headers=_bearer(issued["token"])), 401)


def _expire(app: Flask, token_id: int) -> None:
    """The token's expiry moves into the past, as time passing would."""
    with app.app_context(), db.transaction() as session:
        session.execute(update(ApiToken).where(ApiToken.id == token_id).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))


def test_a_token_past_its_expiry_answers_401(app: Flask, client: FlaskClient,
                                             make: Factory) -> None:
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    issued = client.post("/api/v1/tokens", headers=make.admin(),
                         json={"role": "admin", "expires_at": later}).get_json()
    assert issued["expires_at"] is not None
    assert client.get("/api/v1/schools", headers=_bearer(issued["token"])).status_code == 200
    _expire(app, issued["id"])
    assert_problem(client.get("/api/v1/schools", headers=_bearer(issued["token"])), 401)


def test_rotation_keeps_the_expiry_and_refuses_an_expired_token(app: Flask, client: FlaskClient,
                                                                 make: Factory) -> None:
    admin = make.admin()
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    old = client.post("/api/v1/tokens", headers=admin,
                      json={"role": "admin", "expires_at": later}).get_json()
    fresh = client.post(f"/api/v1/tokens/{old['id']}/rotate", headers=admin).get_json()
    assert fresh["expires_at"] == old["expires_at"]
    _expire(app, fresh["id"])
    assert_problem(client.post(f"/api/v1/tokens/{fresh['id']}/rotate", headers=admin), 409)


def test_a_token_cannot_be_issued_already_expired(client: FlaskClient, make: Factory) -> None:
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    assert_problem(client.post("/api/v1/tokens", headers=make.admin(),
                               json={"role": "admin", "expires_at": earlier}), 422, "expires_at")


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "1900-01-01T00:00:00Z",
                                    "9999-12-31T23:59:59-12:00"])
def test_an_expiry_out_of_range_is_refused(client: FlaskClient, make: Factory,
                                           moment: str) -> None:
    assert_problem(client.post("/api/v1/tokens", headers=make.admin(),
                               json={"role": "admin", "expires_at": moment}), 422, "expires_at")


def test_create_token_command_sets_an_expiry(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["create-token", "--role", "admin", "--expires-in-days", "3"]) == 0
    assert capsys.readouterr().out.startswith("lp_")
    with app.app_context():
        expiry = db.session.scalars(
            ApiToken.__table__.select().with_only_columns(ApiToken.expires_at)).one()
    assert expiry is not None
    left = expiry.replace(tzinfo=expiry.tzinfo or dt.UTC) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=2, hours=23) < left <= dt.timedelta(days=3)
    with pytest.raises(SystemExit) as refused:
        main(["create-token", "--role", "admin", "--expires-in-days", "0"])
    assert refused.value.code == 2


def test_revoking_twice_is_a_conflict(client: FlaskClient, make: Factory) -> None:
    admin = make.admin()
    tid = client.post("/api/v1/tokens", headers=admin, json={"role": "admin"}).get_json()["id"]
    client.post(f"/api/v1/tokens/{tid}/revoke", headers=admin)
    assert_problem(client.post(f"/api/v1/tokens/{tid}/revoke", headers=admin), 409)


def test_rotation_gives_a_new_secret_and_revokes_the_old(client: FlaskClient,
                                                         make: Factory) -> None:
    admin = make.admin()
    company = make.company()
    old = client.post("/api/v1/tokens", headers=admin,
                      json={"role": "company", "scope": f"company:{company}"}).get_json()
    rotated = client.post(f"/api/v1/tokens/{old['id']}/rotate", headers=admin)
    assert rotated.status_code == 201
    new = rotated.get_json()
    assert new["id"] != old["id"] and new["token"] != old["token"]
    assert (new["role"], new["scope"]) == ("company", f"company:{company}")
    assert_problem(client.get("/api/v1/offers", headers=_bearer(old["token"])), 401)
    assert client.get("/api/v1/offers", headers=_bearer(new["token"])).status_code == 200
    assert_problem(client.post(f"/api/v1/tokens/{old['id']}/rotate", headers=admin), 409)


def test_a_token_may_revoke_itself(client: FlaskClient, make: Factory) -> None:
    issued = client.post("/api/v1/tokens", headers=make.admin(),
                         json={"role": "admin"}).get_json()
    mine = _bearer(issued["token"])
    assert client.post(f"/api/v1/tokens/{issued['id']}/revoke", headers=mine).status_code == 200
    assert_problem(client.get("/api/v1/tokens", headers=mine), 401)


def test_coordinators_issue_student_tokens_for_their_own_students(client: FlaskClient,
                                                                  make: Factory) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    student = make.student(school)
    response = client.post("/api/v1/tokens", headers=staff,
                           json={"role": "student", "scope": f"student:{student}"})
    assert response.status_code == 201
    me = _bearer(response.get_json()["token"])
    assert client.get(f"/api/v1/students/{student}", headers=me).status_code == 200


def test_coordinators_may_not_issue_other_roles(client: FlaskClient, make: Factory) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    assert_problem(client.post("/api/v1/tokens", headers=staff, json={"role": "admin"}), 403,
                   "role")
    assert_problem(client.post("/api/v1/tokens", headers=staff,
                               json={"role": "company",
                                     "scope": f"company:{make.company()}"}), 403, "role")


def test_coordinators_may_not_issue_for_another_schools_student(client: FlaskClient,
                                                                make: Factory) -> None:
    staff = make.token("coordinator", f"school:{make.school()}")
    stranger = make.student(make.school())
    # The body names the student, so the answer is invalid input, not a missing page.
    assert_problem(client.post("/api/v1/tokens", headers=staff,
                               json={"role": "student", "scope": f"student:{stranger}"}),
                   422, "scope")


def test_coordinators_see_and_revoke_only_their_students_tokens(client: FlaskClient,
                                                                make: Factory) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    admin = make.admin()
    mine = client.post("/api/v1/tokens", headers=admin, json={
        "role": "student", "scope": f"student:{make.student(school)}"}).get_json()
    theirs = client.post("/api/v1/tokens", headers=admin, json={
        "role": "student", "scope": f"student:{make.student(make.school())}"}).get_json()
    listed = {row["id"] for row in client.get("/api/v1/tokens", headers=staff).get_json()}
    assert listed == {mine["id"]}
    assert_problem(client.post(f"/api/v1/tokens/{theirs['id']}/revoke", headers=staff), 404)
    assert client.post(f"/api/v1/tokens/{mine['id']}/revoke", headers=staff).status_code == 200


def test_companies_and_students_may_not_manage_tokens(client: FlaskClient,
                                                      make: Factory) -> None:
    company = make.token("company", f"company:{make.company()}")
    assert_problem(client.get("/api/v1/tokens", headers=company), 403)
    assert_problem(client.post("/api/v1/tokens", headers=company, json={"role": "admin"}), 403)


def test_a_bad_role_or_scope_is_refused_naming_the_field(client: FlaskClient,
                                                         make: Factory) -> None:
    admin = make.admin()
    assert_problem(client.post("/api/v1/tokens", headers=admin, json={"role": "root"}), 422,
                   "role")
    assert_problem(client.post("/api/v1/tokens", headers=admin,
                               json={"role": "company", "scope": "company:999"}), 422, "scope")


def test_the_list_filters_revoked_tokens(client: FlaskClient, make: Factory) -> None:
    admin = make.admin()
    tid = client.post("/api/v1/tokens", headers=admin, json={"role": "admin"}).get_json()["id"]
    client.post(f"/api/v1/tokens/{tid}/revoke", headers=admin)
    revoked = client.get("/api/v1/tokens?revoked=true", headers=admin).get_json()
    assert [row["id"] for row in revoked] == [tid]
    assert tid not in {r["id"] for r in client.get("/api/v1/tokens?revoked=false",
                                                   headers=admin).get_json()}


def test_revoke_token_command(app: Flask, client: FlaskClient, make: Factory,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make.admin()
    issued = client.post("/api/v1/tokens", headers=admin, json={"role": "admin"}).get_json()
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert main(["revoke-token", str(issued["id"])]) == 0
    assert_problem(client.get("/api/v1/schools", headers=_bearer(issued["token"])), 401)
    assert main(["revoke-token", str(issued["id"])]) == 2
    assert main(["revoke-token", "99999"]) == 2


def test_an_idempotency_key_is_refused_so_no_secret_is_kept_for_replay(
        client: FlaskClient, make: Factory) -> None:
    headers = {**make.admin(), "Idempotency-Key": "issue-1"}
    assert_problem(client.post("/api/v1/tokens", headers=headers, json={"role": "admin"}), 422,
                   "Idempotency-Key")
