"""Webhooks: registered per company (or by an admin), delivered to a real local receiver,
signed per Standard Webhooks, retried with backoff, logged, replayable, disabled when a URL
keeps failing, and never aimed at the server's own network unless configured."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import select

from service.app import create_app
from service.extensions import db
from service.jobs.runner import QUEUE
from service.models import Assignment, WebhookDelivery
from service.webhooks.delivery import claim, deliver, deliver_due
from service.webhooks.events import POK_READY, emit, pok_ready

from .conftest import REDIS_URL, Factory, app_config, assert_problem, offer_body
from .webhook_receiver import Receiver, running_receiver


@pytest.fixture
def extra_config() -> dict[str, Any]:
    """A local http receiver is allowed here (production refuses both); retries fall due at
    once (no backoff), and only the tests start them (no sweep thread)."""
    return {"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_PRIVATE": True,
            "WEBHOOK_BACKOFF_S": 0.0, "WEBHOOK_SWEEP_S": 0}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from running_receiver()


def register(client: FlaskClient, headers: dict[str, str], url: str,
             **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/webhooks", json={"url": url, **body}, headers=headers)
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def deliveries(app: Flask) -> list[WebhookDelivery]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def post_open_offer(client: FlaskClient, make: Factory, company: int) -> None:
    response = client.post("/api/v1/offers", json=offer_body(company, status="open"),
                           headers=make.token("company", f"company:{company}"))
    assert response.status_code == 201, response.get_json()


# -- registration --------------------------------------------------------------------------


def test_a_company_registers_for_itself_and_gets_a_secret_once(
        client: FlaskClient, make: Factory, receiver: Receiver) -> None:
    company = make.company()
    me = make.token("company", f"company:{company}")
    created = register(client, me, receiver.url)
    assert created["secret"].startswith("whsec_") and created["company_id"] == company
    assert created["events"][0] == "offer.listed" and created["active"] is True
    shown = client.get(f"/api/v1/webhooks/{created['id']}", headers=me).get_json()
    assert "secret" not in shown


def test_a_company_sees_only_its_own_endpoints(client: FlaskClient, make: Factory,
                                               receiver: Receiver) -> None:
    mine = make.token("company", f"company:{make.company()}")
    other = make.token("company", f"company:{make.company()}")
    created = register(client, mine, receiver.url)
    assert client.get("/api/v1/webhooks", headers=other).get_json() == []
    assert_problem(client.get(f"/api/v1/webhooks/{created['id']}", headers=other), 404)
    assert [e["id"] for e in client.get("/api/v1/webhooks", headers=make.admin()).get_json()
            ] == [created["id"]]


def test_a_company_cannot_register_for_another(client: FlaskClient, make: Factory,
                                               receiver: Receiver) -> None:
    me = make.token("company", f"company:{make.company()}")
    response = client.post("/api/v1/webhooks", json={"url": receiver.url,
                                                     "company_id": make.company()}, headers=me)
    assert_problem(response, 422, "company_id")


def test_coordinators_and_students_may_not(client: FlaskClient, make: Factory,
                                           receiver: Receiver) -> None:
    staff = make.token("coordinator", f"school:{make.school()}")
    assert_problem(client.post("/api/v1/webhooks", json={"url": receiver.url},
                               headers=staff), 403)
    assert_problem(client.get("/api/v1/webhooks", headers=staff), 403)


def test_plain_http_is_refused_in_production(app: Flask, client: FlaskClient,
                                             make: Factory) -> None:
    app.config["WEBHOOK_ALLOW_HTTP"] = False
    response = client.post("/api/v1/webhooks", json={"url": "http://hr.example.nl/hook"},
                           headers=make.admin())
    assert "https" in assert_problem(response, 422, "url")["detail"]


@pytest.mark.parametrize("url", ["https://127.0.0.1/hook", "https://localhost:8443/hook",
                                 "https://10.1.2.3/hook", "https://169.254.169.254/latest",
                                 "https://[::1]/hook", "https://[::ffff:192.168.1.1]/hook"])
def test_private_and_loopback_addresses_are_refused(app: Flask, client: FlaskClient,
                                                    make: Factory, url: str) -> None:
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    response = client.post("/api/v1/webhooks", json={"url": url}, headers=make.admin())
    assert "address" in assert_problem(response, 422, "url")["detail"]


def test_a_url_with_credentials_or_an_unknown_event_is_refused(
        client: FlaskClient, make: Factory, receiver: Receiver) -> None:
    admin = make.admin()
    with_password = receiver.url.replace("http://", "http://me:secret@")
    assert_problem(client.post("/api/v1/webhooks", json={"url": with_password},
                               headers=admin), 422, "url")
    assert_problem(client.post("/api/v1/webhooks", json={"url": receiver.url,
                                                         "events": ["offer.sold"]},
                               headers=admin), 422, "events.0")


def test_a_malformed_url_is_refused(client: FlaskClient, make: Factory) -> None:
    response = client.post("/api/v1/webhooks", json={"url": "https://[fe80::1/hook"},
                           headers=make.admin())
    assert_problem(response, 422, "url")


def test_an_endpoints_company_cannot_change(client: FlaskClient, make: Factory,
                                            receiver: Receiver) -> None:
    admin = make.admin()
    created = register(client, admin, receiver.url, company_id=make.company())
    response = client.patch(f"/api/v1/webhooks/{created['id']}",
                            json={"company_id": make.company()}, headers=admin)
    assert_problem(response, 422, "company_id")


def test_an_endpoint_is_deleted_with_its_log(app: Flask, client: FlaskClient, make: Factory,
                                             receiver: Receiver) -> None:
    company = make.company()
    me = make.token("company", f"company:{company}")
    created = register(client, me, receiver.url)
    post_open_offer(client, make, company)
    assert client.delete(f"/api/v1/webhooks/{created['id']}", headers=me).status_code == 204
    assert deliveries(app) == []
    assert_problem(client.get(f"/api/v1/webhooks/{created['id']}", headers=me), 404)


# -- delivery ------------------------------------------------------------------------------


def test_a_posted_offer_reaches_the_receiver_signed(client: FlaskClient, make: Factory,
                                                    receiver: Receiver) -> None:
    company = make.company()
    created = register(client, make.token("company", f"company:{company}"), receiver.url,
                       events=["offer.listed"])
    post_open_offer(client, make, company)
    [got] = receiver.requests
    assert got.path == "/hooks" and got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.headers["webhook-signature"].startswith("v1,")
    assert got.signed_by(created["secret"])
    assert not got.signed_by(register(client, make.admin(), receiver.url)["secret"])
    assert got.json["type"] == "offer.listed"
    assert got.json["data"] == {"company_id": company, "offers": 1, "seats": 2}


def test_an_endpoint_another_process_registers_hears_the_next_offer(
        app: Flask, client: FlaskClient, make: Factory, receiver: Receiver) -> None:
    """Whether any endpoint listens is read from the database in the offer's own statement
    (no answer a process keeps): an endpoint registered through another app on the same
    database gets the very next offer; before it, an offer leaves no delivery."""
    company = make.company()
    post_open_offer(client, make, company)
    assert deliveries(app) == []
    other = create_app(app_config(DATABASE_URL=app.config["DATABASE_URL"],
                                  WEBHOOK_ALLOW_HTTP=True, WEBHOOK_ALLOW_PRIVATE=True,
                                  WEBHOOK_SWEEP_S=0))
    try:
        register(other.test_client(), make.token("company", f"company:{company}"),
                 receiver.url, events=["offer.listed"])
    finally:
        with other.app_context():
            db.engine.dispose()
    post_open_offer(client, make, company)
    assert [d.event for d in deliveries(app)] == ["offer.listed"]
    assert [r.json["type"] for r in receiver.requests] == ["offer.listed"]


def test_an_endpoint_gets_only_its_companys_events(client: FlaskClient, make: Factory,
                                                   receiver: Receiver) -> None:
    company, other = make.company(), make.company()
    register(client, make.token("company", f"company:{company}"), receiver.url)
    post_open_offer(client, make, other)
    assert receiver.requests == []
    admin = register(client, make.admin(), receiver.url)  # a school's system: every event
    post_open_offer(client, make, other)
    assert len(receiver.requests) == 1 and receiver.requests[0].signed_by(admin["secret"])


def test_a_failed_delivery_is_retried_with_the_same_id(app: Flask, client: FlaskClient,
                                                      make: Factory,
                                                      receiver: Receiver) -> None:
    company = make.company()
    me = make.token("company", f"company:{company}")
    created = register(client, me, receiver.url)
    receiver.script = [500]
    post_open_offer(client, make, company)
    [failed] = deliveries(app)
    assert (failed.status, failed.attempts, failed.last_status_code) == ("pending", 1, 500)
    assert failed.last_error == "the endpoint answered 500"
    assert deliver_due(app) == 1
    [done] = deliveries(app)
    assert (done.status, done.attempts, done.last_error) == ("delivered", 2, None)
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == done.message_id
    assert first.body == second.body and second.signed_by(created["secret"])
    logged = client.get(f"/api/v1/webhooks/{created['id']}/deliveries", headers=me).get_json()
    assert [(d["status"], d["attempts"]) for d in logged] == [("delivered", 2)]


def test_the_backoff_waits_before_a_retry(app: Flask, client: FlaskClient, make: Factory,
                                          receiver: Receiver) -> None:
    app.config["WEBHOOK_BACKOFF_S"] = 60.0
    company = make.company()
    register(client, make.token("company", f"company:{company}"), receiver.url)
    receiver.script = [503]
    post_open_offer(client, make, company)
    [pending] = deliveries(app)
    assert pending.next_attempt_at is not None and pending.status == "pending"
    assert (pending.next_attempt_at - pending.created_at).total_seconds() >= 59
    assert deliver_due(app) == 0 and len(receiver.requests) == 1


def test_a_retried_job_sends_no_duplicate(app: Flask, client: FlaskClient, make: Factory,
                                          receiver: Receiver) -> None:
    company = make.company()
    register(client, make.token("company", f"company:{company}"), receiver.url)
    post_open_offer(client, make, company)
    [sent] = deliveries(app)
    assert sent.status == "delivered"
    # The job runs again (an RQ retry, a second sweep): the delivery is no longer due.
    assert deliver(app, sent.id) is None
    assert deliver_due(app) == 0
    assert len(receiver.requests) == 1


def test_a_delivery_held_by_one_sender_is_not_sent_by_another(
        app: Flask, client: FlaskClient, make: Factory, receiver: Receiver) -> None:
    company = make.company()
    register(client, make.token("company", f"company:{company}"), receiver.url)
    receiver.script = [500]
    post_open_offer(client, make, company)
    [pending] = deliveries(app)
    with app.app_context():
        assert claim(db.session, pending.id, app.config)  # a sender took it, then stalls
    assert deliver(app, pending.id) is None and deliver_due(app) == 0
    assert len(receiver.requests) == 1


def test_a_url_that_keeps_failing_is_disabled_with_a_reason(
        app: Flask, client: FlaskClient, make: Factory, receiver: Receiver) -> None:
    app.config["WEBHOOK_DISABLE_AFTER"] = 3
    company = make.company()
    me = make.token("company", f"company:{company}")
    created = register(client, me, receiver.url)
    receiver.script = [500, 500, 500]
    post_open_offer(client, make, company)
    post_open_offer(client, make, company)  # attempts 1 and 2
    deliver_due(app)  # attempt 3 of the first: the third failure in a row
    shown = client.get(f"/api/v1/webhooks/{created['id']}", headers=me).get_json()
    assert shown["active"] is False and shown["failures"] == 3
    assert "3 failed attempts" in shown["disabled_reason"]
    assert "500" in shown["disabled_reason"]
    first, second = deliveries(app)
    assert (first.status, first.last_error) == ("failed", "the endpoint answered 500")
    assert (second.status, second.last_error) == ("failed", "the endpoint was disabled")
    post_open_offer(client, make, company)  # a disabled endpoint gets nothing new
    assert len(deliveries(app)) == 2 and len(receiver.requests) == 3


def test_a_disabled_endpoint_is_enabled_and_its_delivery_replayed(
        app: Flask, client: FlaskClient, make: Factory, receiver: Receiver) -> None:
    app.config["WEBHOOK_DISABLE_AFTER"] = 1
    company = make.company()
    me = make.token("company", f"company:{company}")
    created = register(client, me, receiver.url)
    receiver.script = [500]
    post_open_offer(client, make, company)
    [failed] = deliveries(app)
    url = f"/api/v1/webhooks/{created['id']}"
    assert_problem(client.post(f"{url}/deliveries/{failed.id}/replay", headers=me), 409)
    enabled = client.patch(url, json={"active": True}, headers=me).get_json()
    assert enabled["active"] is True and enabled["disabled_reason"] is None
    replayed = client.post(f"{url}/deliveries/{failed.id}/replay", headers=me)
    assert replayed.status_code == 202
    [done] = deliveries(app)
    assert done.status == "delivered"
    assert [r.headers["webhook-id"] for r in receiver.requests] == [failed.message_id] * 2


def test_another_companys_delivery_cannot_be_replayed(client: FlaskClient, make: Factory,
                                                      receiver: Receiver, app: Flask) -> None:
    company = make.company()
    created = register(client, make.token("company", f"company:{company}"), receiver.url)
    post_open_offer(client, make, company)
    [sent] = deliveries(app)
    other = make.token("company", f"company:{make.company()}")
    assert_problem(client.post(f"/api/v1/webhooks/{created['id']}/deliveries/{sent.id}/replay",
                               headers=other), 404)


def test_the_address_is_checked_again_at_delivery(app: Flask, client: FlaskClient,
                                                  make: Factory, receiver: Receiver) -> None:
    company = make.company()
    register(client, make.token("company", f"company:{company}"), receiver.url)
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False  # e.g. the name now resolves inside
    post_open_offer(client, make, company)
    [refused] = deliveries(app)
    assert refused.status == "pending" and "private" in (refused.last_error or "")
    assert receiver.requests == []


def test_a_rolled_back_change_sends_nothing(app: Flask, make: Factory,
                                            receiver: Receiver, client: FlaskClient) -> None:
    company = make.company()
    register(client, make.token("company", f"company:{company}"), receiver.url)
    with app.app_context(), pytest.raises(RuntimeError), db.transaction() as session:
        pok_ready(session, company, {"pok_id": 1})
        raise RuntimeError("the change failed")
    assert deliveries(app) == [] and receiver.requests == []


def test_pok_ready_is_emitted_to_the_company(app: Flask, make: Factory, receiver: Receiver,
                                             client: FlaskClient) -> None:
    company = make.company()
    register(client, make.token("company", f"company:{company}"), receiver.url)
    with app.app_context(), db.transaction() as session:
        pok_ready(session, company, {"pok_id": 7, "assignment_id": 3})
    assert receiver.events() == [POK_READY]
    assert receiver.requests[0].json["data"]["pok_id"] == 7
    with app.app_context(), pytest.raises(ValueError), db.transaction() as session:
        emit(session, "pok.signed", {})


# -- a round's events ----------------------------------------------------------------------


def test_a_round_tells_its_company_what_happens(client: FlaskClient, make: Factory,
                                                receiver: Receiver) -> None:
    school = make.school()
    staff = make.token("coordinator", f"school:{school}")
    company = make.company()
    created = register(client, make.token("company", f"company:{company}"), receiver.url,
                       events=["round.published", "proposal.created", "assignment.accepted",
                               "assignment.declined", "round.follow_up_started"])
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff).get_json()["id"]
    offer = make.offer(company, round_id=rid, capacity=2)
    students = [make.student(school) for _ in range(2)]
    url = f"/api/v1/rounds/{rid}"
    client.post(f"{url}/open", headers=staff)
    for sid in students:
        me = make.token("student", f"student:{sid}")
        assert client.put(f"{url}/preferences/{sid}", json={"offers": [offer]},
                          headers=me).status_code == 200
    client.post(f"{url}/close", headers=staff)
    client.post(f"{url}/allocate", headers=staff)
    assert client.post(f"{url}/publish", headers=staff).status_code == 200
    assert receiver.events() == ["round.published", "proposal.created"]
    proposals = receiver.requests[1].json["data"]
    assert proposals["count"] == 2 and {p["offer_id"] for p in proposals["proposals"]} == {offer}
    first, second = (p["assignment_id"] for p in proposals["proposals"])
    answers = [(first, "accept"), (second, "decline")]
    for assignment, answer in answers:
        sid = client.get(f"/api/v1/assignments/{assignment}",
                         headers=staff).get_json()["student_id"]
        me = make.token("student", f"student:{sid}")
        assert client.post(f"/api/v1/assignments/{assignment}/{answer}",
                           headers=me).status_code == 200
    assert receiver.events()[2:] == ["assignment.accepted", "assignment.declined"]
    assert receiver.requests[2].json["data"]["assignment_id"] == first
    assert client.post(f"{url}/follow-up", headers=staff).status_code == 201
    assert receiver.events()[4:] == ["round.follow_up_started"]
    assert receiver.requests[4].json["data"]["previous_round_id"] == rid
    assert all(r.signed_by(created["secret"]) for r in receiver.requests)


def test_a_schools_systems_hear_its_students_answers(client: FlaskClient, make: Factory,
                                                     app: Flask) -> None:
    with_school, other = make.school(), make.school()
    admin = make.admin()
    hooks: dict[int, Receiver] = {}
    receivers = [running_receiver() for _ in range(2)]
    try:
        for school, gen in zip((with_school, other), receivers, strict=True):
            hooks[school] = next(gen)
            register(client, admin, hooks[school].url, school_id=school)
        a = published(client, make, with_school)
        assert hooks[with_school].events() == ["round.published"]
        assert hooks[with_school].requests[0].json["data"]["school_id"] == with_school
        assert client.post(f"/api/v1/assignments/{a}/decline",
                           headers=make.token("student", f"student:{student_of(app, a)}")
                           ).status_code == 200
        assert hooks[with_school].events() == ["round.published", "assignment.declined"]
        assert hooks[other].requests == []
    finally:
        for gen in receivers:
            next(gen, None)


def test_only_admins_register_for_a_school(client: FlaskClient, make: Factory,
                                           receiver: Receiver) -> None:
    school = make.school()
    me = make.token("company", f"company:{make.company()}")
    assert_problem(client.post("/api/v1/webhooks", json={"url": receiver.url,
                                                         "school_id": school}, headers=me),
                   422, "school_id")
    assert_problem(client.post("/api/v1/webhooks", json={
        "url": receiver.url, "school_id": school, "company_id": make.company()},
        headers=make.admin()), 422, "school_id")


def published(client: FlaskClient, make: Factory, school: int) -> int:
    """A school round, allocated and published, with one student placed; the assignment."""
    staff = make.token("coordinator", f"school:{school}")
    rid = client.post("/api/v1/rounds", json={"name": "Voorjaar"},
                      headers=staff).get_json()["id"]
    offer = make.offer(make.company(), round_id=rid)
    student = make.student(school)
    url = f"/api/v1/rounds/{rid}"
    client.post(f"{url}/open", headers=staff)
    client.put(f"{url}/preferences/{student}", json={"offers": [offer]},
               headers=make.token("student", f"student:{student}"))
    client.post(f"{url}/close", headers=staff)
    client.post(f"{url}/allocate", headers=staff)
    assert client.post(f"{url}/publish", headers=staff).status_code == 200
    [row] = client.get(f"{url}/assignments", headers=staff).get_json()
    return int(row["id"])


def student_of(app: Flask, assignment_id: int) -> int:
    with app.app_context():
        found = db.session.get(Assignment, assignment_id)
        assert found is not None
        return found.student_id


# -- where attempts run: a thread of the process, or an RQ worker --------------------------


def wait_for(receiver: Receiver, count: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while len(receiver.requests) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(receiver.requests) == count, receiver.requests


def test_in_the_embedded_mode_a_thread_sends_it(app: Flask, client: FlaskClient,
                                                make: Factory, receiver: Receiver) -> None:
    app.config["JOBS_MODE"] = "thread"
    company = make.company()
    created = register(client, make.token("company", f"company:{company}"), receiver.url)
    post_open_offer(client, make, company)
    wait_for(receiver, 1)
    assert receiver.requests[0].signed_by(created["secret"])


@pytest.mark.skipif(not REDIS_URL, reason="the rq mode needs REDIS_URL")
def test_in_the_rq_mode_a_worker_sends_it_once(app: Flask, client: FlaskClient,
                                               make: Factory, receiver: Receiver,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert REDIS_URL
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()  # our own Redis database: no stale jobs
    app.config.update(JOBS_MODE="rq", REDIS_URL=REDIS_URL)
    company = make.company()
    register(client, make.token("company", f"company:{company}"), receiver.url)
    post_open_offer(client, make, company)
    queue = Queue(QUEUE, connection=connection)
    [queued] = queue.jobs
    assert receiver.requests == []
    queue.enqueue_job(queued)  # the same job twice: as a retried job would run again
    # The worker's task builds its app from the environment, as `leerplek worker` does.
    for key, value in {"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": REDIS_URL,
                       "WEBHOOK_ALLOW_HTTP": "1", "WEBHOOK_ALLOW_PRIVATE": "1"}.items():
        monkeypatch.setenv(key, value)
    SimpleWorker([queue], connection=connection).work(burst=True)
    assert len(receiver.requests) == 1
    [sent] = deliveries(app)
    assert (sent.status, sent.attempts) == ("delivered", 1)
