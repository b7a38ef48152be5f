"""R4 Subscriptions with the real binary: rest-hook notifications to a real local HTTP receiver (HMAC checked,
receiver downtime and recovery with nothing lost or sent twice, the retry budget, deletions), the websocket channel
with a real websocket client (bind, ping, ack, replay after reconnect), the owner's access rules, invalid criteria,
and the SSRF guard: endpoints inside the network (loopback, link-local, ...) are refused unless the operator allows
them with --subscription-allow-hosts (the receivers here listen on 127.0.0.1, so these servers allow it)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from websockets.sync.client import connect

from dossier_server import TimeoutSession, free_port

LOINC = "http://loinc.org"
FAST_RETRIES = ["--subscription-retry-delays", "200ms,400ms", "--subscription-retry-budget", "5s",
                "--subscription-poll-interval", "50ms"]
# The test receivers listen on 127.0.0.1, which the server refuses unless the operator allows it.
ALLOW_LOOPBACK = ["--subscription-allow-hosts", "127.0.0.1"]


class Receiver:
    """A real HTTP server on 127.0.0.1 recording every POST; ``stop()`` and ``start()`` simulate downtime on one port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        with self.lock:
            raise AssertionError(f"expected {count} notifications, got {len(self.received)}")


def verify_signature(notification: dict, secret: str) -> None:
    """The receiver's check: X-Dossier-Signature t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>."""
    fields = dict(part.split("=", 1) for part in notification["headers"]["x-dossier-signature"].split(","))
    expected = hmac.new(secret.encode(), fields["t"].encode() + b"." + notification["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, fields["v1"])
    assert abs(time.time() - int(fields["t"])) < 300


@pytest.fixture(scope="module")
def world(server_factory):
    """A server with fast retries, a patient whose GP is Practitioner/gp, and a doctor with no tie to the patient."""
    server = server_factory("subscriptions", FAST_RETRIES + ALLOW_LOOPBACK)
    http = TimeoutSession()
    org = "org-" + uuid.uuid4().hex[:8]
    put = lambda path, body: http.put(f"{server.base}/{path}", json=body)  # noqa: E731
    assert put(f"Organization/{org}", {"resourceType": "Organization", "id": org, "name": "Hospital"}).status_code in (200, 201)
    for who in ["gp", "stranger"]:
        assert put(f"Practitioner/{who}", {"resourceType": "Practitioner", "id": who}).status_code in (200, 201)
        role = {"resourceType": "PractitionerRole", "id": f"{who}-role", "active": True, "practitioner": {"reference": f"Practitioner/{who}"},
                "organization": {"reference": f"Organization/{org}"},
                "code": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/practitioner-role", "code": "doctor"}]}]}
        assert put(f"PractitionerRole/{who}-role", role).status_code in (200, 201)
    patient = {"resourceType": "Patient", "id": "pat", "name": [{"family": "Martin"}], "generalPractitioner": [{"reference": "Practitioner/gp"}]}
    assert put("Patient/pat", patient).status_code in (200, 201)
    tokens = {who: server.token("--user", f"Practitioner/{who}", "--role", f"PractitionerRole/{who}-role") for who in ["gp", "stranger"]}
    return server, http, tokens


def as_(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def observation(code: str) -> dict:
    return {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/pat"},
            "code": {"coding": [{"system": LOINC, "code": code}]}}


def subscribe(world, who: str, code: str, channel: dict) -> tuple[str, str | None]:
    server, http, tokens = world
    body = {"resourceType": "Subscription", "status": "requested", "reason": "test",
            "criteria": f"Observation?patient=Patient/pat&code={LOINC}|{code}", "channel": channel}
    created = http.post(f"{server.base}/Subscription", json=body, headers=as_(tokens[who]))
    assert created.status_code == 201, created.text
    resource = created.json()
    assert resource["status"] == "active"
    owner = [t["code"] for t in resource["meta"]["tag"] if t["system"] == "https://dossier.health/CodeSystem/subscription-owner"]
    assert owner == [f"Practitioner/{who}"]
    return resource["id"], created.headers.get("X-Dossier-Subscription-Secret")


def post_observation(world, code: str) -> str:
    server, http, _ = world
    created = http.post(f"{server.base}/Observation", json=observation(code))
    assert created.status_code == 201, created.text
    return created.json()["id"]


def events(world, who: str, subscription: str) -> dict:
    server, http, tokens = world
    answer = http.get(f"{server.base}/Subscription/{subscription}/$events", headers=as_(tokens[who]))
    assert answer.status_code == 200, answer.text
    result = {}
    for p in answer.json()["parameter"]:
        if p["name"] == "event":
            parts = {q["name"]: next(v for k, v in q.items() if k.startswith("value")) for q in p["part"]}
            result[parts["eventNumber"]] = parts
    return result


def test_rest_hook_survives_receiver_downtime_in_order_without_duplicates(world):
    code = uuid.uuid4().hex[:8]
    receiver = Receiver().start()
    try:
        sub, secret = subscribe(world, "gp", code, {"type": "rest-hook", "endpoint": receiver.url,
                                                    "payload": "application/fhir+json", "header": ["X-Receiver-Key: k1"]})
        assert secret and len(secret) == 64
        first = post_observation(world, code)
        post_observation(world, "other-" + code)  # does not match the criteria
        got = receiver.wait_for(1)
        assert json.loads(got[0]["body"])["id"] == first
        assert got[0]["headers"]["x-receiver-key"] == "k1"
        assert got[0]["headers"]["x-dossier-event-id"] == f"{sub}:1"
        assert got[0]["headers"]["content-type"].startswith("application/fhir+json")

        receiver.stop()
        second, third = post_observation(world, code), post_observation(world, code)
        deadline = time.time() + 5
        while time.time() < deadline:
            logged = events(world, "gp", sub)
            if logged.get(2, {}).get("attempts", 0) >= 2:
                break
            time.sleep(0.1)
        assert logged[2]["status"] == "pending" and logged[2]["attempts"] >= 2 and "lastError" in logged[2]
        assert logged[3]["status"] == "pending" and logged[3]["attempts"] == 0  # in order: waits behind event 2

        receiver.start()
        got = receiver.wait_for(3)
        time.sleep(0.5)  # nothing more may come
        with receiver.lock:
            got = list(receiver.received)
        assert [json.loads(n["body"])["id"] for n in got] == [first, second, third]
        assert [n["headers"]["x-dossier-event-id"] for n in got] == [f"{sub}:1", f"{sub}:2", f"{sub}:3"]
        for n in got:
            verify_signature(n, secret)
        logged = events(world, "gp", sub)
        assert [logged[i]["status"] for i in (1, 2, 3)] == ["delivered"] * 3
    finally:
        receiver.stop()


def test_rest_hook_without_payload_posts_an_empty_body(world):
    code = uuid.uuid4().hex[:8]
    receiver = Receiver().start()
    try:
        sub, secret = subscribe(world, "gp", code, {"type": "rest-hook", "endpoint": receiver.url})
        post_observation(world, code)
        got = receiver.wait_for(1)
        assert got[0]["body"] == b""
        verify_signature(got[0], secret)
    finally:
        receiver.stop()


def test_deleting_a_matching_resource_is_notified(world):
    server, http, _ = world
    code = uuid.uuid4().hex[:8]
    with_payload, without_payload = Receiver().start(), Receiver().start()
    try:
        sub, secret = subscribe(world, "gp", code, {"type": "rest-hook", "endpoint": with_payload.url, "payload": "application/fhir+json"})
        bare_sub, bare_secret = subscribe(world, "gp", code, {"type": "rest-hook", "endpoint": without_payload.url})
        first = post_observation(world, code)
        other = post_observation(world, "other-" + code)
        with_payload.wait_for(1)
        without_payload.wait_for(1)
        assert http.delete(f"{server.base}/Observation/{other}").status_code == 204  # never matched: nothing
        assert http.delete(f"{server.base}/Observation/{first}").status_code == 204
        got = with_payload.wait_for(2)
        time.sleep(0.5)  # nothing more may come
        with with_payload.lock:
            got = list(with_payload.received)
        assert len(got) == 2
        deleted = got[1]
        assert deleted["body"] == b""
        assert deleted["headers"]["x-dossier-event"] == "deleted"
        assert deleted["headers"]["x-dossier-resource"] == f"Observation/{first}"
        assert deleted["headers"]["x-dossier-event-id"] == f"{sub}:2"
        assert "content-type" not in deleted["headers"]
        verify_signature(deleted, secret)
        # Without a payload: the usual empty POST.
        bare = without_payload.wait_for(2)[1]
        assert bare["body"] == b"" and "x-dossier-event" not in bare["headers"]
        assert bare["headers"]["x-dossier-event-id"] == f"{bare_sub}:2"
        verify_signature(bare, bare_secret)
        logged = events(world, "gp", sub)
        assert logged[2]["focus"]["reference"] == f"Observation/{first}/_history/2"
        assert logged[2]["status"] == "delivered"
    finally:
        with_payload.stop()
        without_payload.stop()


def test_rest_hook_gives_up_after_the_budget_and_the_subscription_goes_to_error(world):
    server, http, tokens = world
    code = uuid.uuid4().hex[:8]
    sub, _ = subscribe(world, "gp", code, {"type": "rest-hook", "endpoint": f"http://127.0.0.1:{free_port()}/nobody"})
    post_observation(world, code)
    deadline = time.time() + 15
    while time.time() < deadline:
        resource = http.get(f"{server.base}/Subscription/{sub}", headers=as_(tokens["gp"])).json()
        if resource["status"] == "error":
            break
        time.sleep(0.2)
    assert resource["status"] == "error"
    assert "Gave up on event 1" in resource["error"]
    logged = events(world, "gp", sub)
    assert logged[1]["status"] == "failed" and logged[1]["attempts"] >= 3


def test_a_subscription_whose_owner_may_not_read_the_patient_receives_nothing(world):
    server, http, tokens = world
    code = uuid.uuid4().hex[:8]
    gp_receiver, stranger_receiver = Receiver().start(), Receiver().start()
    try:
        gp_sub, _ = subscribe(world, "gp", code, {"type": "rest-hook", "endpoint": gp_receiver.url})
        stranger_sub, _ = subscribe(world, "stranger", code, {"type": "rest-hook", "endpoint": stranger_receiver.url})
        post_observation(world, code)
        gp_receiver.wait_for(1)
        time.sleep(1.0)
        assert stranger_receiver.received == []
        assert events(world, "stranger", stranger_sub) == {}
        # Each owner sees only their own subscriptions; the operator sees both.
        assert http.get(f"{server.base}/Subscription/{gp_sub}", headers=as_(tokens["stranger"])).status_code == 404
        assert http.get(f"{server.base}/Subscription/{gp_sub}/$events", headers=as_(tokens["stranger"])).status_code == 404
        assert http.delete(f"{server.base}/Subscription/{gp_sub}", headers=as_(tokens["stranger"])).status_code == 404
        mine = http.get(f"{server.base}/Subscription", params={"_count": "500"}, headers=as_(tokens["stranger"])).json()
        ids = {e["resource"]["id"] for e in mine.get("entry", []) if e["resource"]["resourceType"] == "Subscription"}
        assert stranger_sub in ids and gp_sub not in ids
        assert http.get(f"{server.base}/Subscription/{gp_sub}").status_code == 200  # operator
    finally:
        gp_receiver.stop()
        stranger_receiver.stop()


def test_a_subscription_created_by_put_gets_its_secret_once(world):
    server, http, tokens = world
    sid = "put-" + uuid.uuid4().hex[:8]
    body = {"resourceType": "Subscription", "id": sid, "status": "requested", "reason": "r", "criteria": "Observation?code=x",
            "channel": {"type": "websocket"}}
    created = http.put(f"{server.base}/Subscription/{sid}", json=body, headers=as_(tokens["gp"]))
    assert created.status_code == 201 and len(created.headers["X-Dossier-Subscription-Secret"]) == 64
    body["status"] = "off"
    updated = http.put(f"{server.base}/Subscription/{sid}", json=body, headers=as_(tokens["gp"]))
    assert updated.status_code == 200 and "X-Dossier-Subscription-Secret" not in updated.headers
    assert http.put(f"{server.base}/Subscription/{sid}", json=body, headers=as_(tokens["stranger"])).status_code == 404


def test_the_owner_cannot_be_forged(world):
    server, http, tokens = world
    body = {"resourceType": "Subscription", "status": "active", "reason": "r", "criteria": "Observation?code=x",
            "channel": {"type": "websocket"},
            "meta": {"tag": [{"system": "https://dossier.health/CodeSystem/subscription-owner", "code": "Practitioner/gp"}]}}
    created = http.post(f"{server.base}/Subscription", json=body, headers=as_(tokens["stranger"]))
    assert created.status_code == 201
    owners = [t["code"] for t in created.json()["meta"]["tag"] if t["system"].endswith("subscription-owner")]
    assert owners == ["Practitioner/stranger"]


@pytest.mark.parametrize("criteria,channel", [
    ("Observation?no-such-parameter=1", {"type": "websocket"}),
    ("Observation?date=not-a-date", {"type": "websocket"}),
    ("NotAType?code=1", {"type": "websocket"}),
    ("", {"type": "websocket"}),
    ("Observation?code=1", {"type": "email", "endpoint": "mailto:a@b.c"}),
    ("Observation?code=1", {"type": "rest-hook"}),
])
def test_invalid_criteria_or_channel_is_refused(world, criteria, channel):
    server, http, tokens = world
    body = {"resourceType": "Subscription", "status": "requested", "reason": "r", "criteria": criteria, "channel": channel}
    answer = http.post(f"{server.base}/Subscription", json=body, headers=as_(tokens["gp"]))
    assert 400 <= answer.status_code < 500, answer.text
    expressions = [e for issue in answer.json()["issue"] for e in issue.get("expression", [])]
    assert any(e.startswith("Subscription.") for e in expressions), answer.text
    if criteria != "Observation?code=1":
        assert "Subscription.criteria" in expressions


def ws_url(server) -> str:
    return server.base.replace("http://", "ws://") + "/$websocket"


def receive(ws, timeout: float = 10.0) -> str:
    return ws.recv(timeout=timeout)


def test_websocket_binds_pings_and_replays_what_was_missed(world):
    server, http, tokens = world
    code = uuid.uuid4().hex[:8]
    sub, _ = subscribe(world, "gp", code, {"type": "websocket"})
    metadata = http.get(f"{server.base}/metadata").json()
    assert any(e["valueUri"] == ws_url(server) for e in metadata["rest"][0]["extension"]
               if e["url"].endswith("capabilitystatement-websocket"))

    with connect(ws_url(server), additional_headers=as_(tokens["stranger"])) as ws:
        ws.send(f"bind {sub}")
        assert receive(ws).startswith("error")  # not the owner

    with connect(ws_url(server), additional_headers=as_(tokens["gp"])) as ws:
        ws.send(f"bind {sub}")
        assert receive(ws) == f"bound {sub}"
        post_observation(world, code)
        assert receive(ws) == f"ping {sub} 1"
        ws.send(f"ack {sub} 1")

    # Nobody bound: the events wait in the delivery log.
    post_observation(world, code)
    post_observation(world, code)
    time.sleep(0.5)
    with connect(ws_url(server), additional_headers=as_(tokens["gp"])) as ws:
        ws.send(f"bind {sub}")
        assert receive(ws) == f"bound {sub}"
        assert receive(ws) == f"ping {sub} 2"
        assert receive(ws) == f"ping {sub} 3"
        ws.send(f"ack {sub} 2")  # 3 stays unacknowledged
        time.sleep(0.3)

    with connect(ws_url(server), additional_headers=as_(tokens["gp"])) as ws:
        ws.send(f"bind {sub}")
        assert receive(ws) == f"bound {sub}"
        assert receive(ws) == f"ping {sub} 3"  # replayed: never acknowledged
        ws.send("ack 3")
        time.sleep(0.3)
    logged = events(world, "gp", sub)
    assert [logged[i]["status"] for i in (1, 2, 3)] == ["delivered"] * 3


def test_websocket_upgrade_needs_a_valid_token(world):
    server, _, _ = world
    with pytest.raises(Exception):
        with connect(ws_url(server), additional_headers={"Authorization": "Bearer not-a-token"}, open_timeout=5):
            pass


def test_restart_resumes_delivery_without_loss_or_repeat(server_factory):
    server = server_factory("subscriptions-restart", FAST_RETRIES + ALLOW_LOOPBACK + ["--subscription-retry-budget", "1h"])
    http = TimeoutSession()
    receiver = Receiver()
    sub = http.post(f"{server.base}/Subscription", json={
        "resourceType": "Subscription", "status": "requested", "reason": "r", "criteria": "Observation?code=restart",
        "channel": {"type": "rest-hook", "endpoint": receiver.url}}).json()["id"]
    post = lambda: http.post(f"{server.base}/Observation", json={  # noqa: E731
        "resourceType": "Observation", "status": "final", "code": {"coding": [{"code": "restart"}]}}).status_code
    try:
        receiver.start()
        assert post() == 201
        receiver.wait_for(1)
        receiver.stop()
        assert post() == 201 and post() == 201
        time.sleep(0.5)  # recorded, retrying
        server.stop()
        receiver.start()
        server.start()
        http = TimeoutSession()
        got = receiver.wait_for(3)
        time.sleep(0.5)
        with receiver.lock:
            got = list(receiver.received)
        assert [n["headers"]["x-dossier-event-id"] for n in got] == [f"{sub}:1", f"{sub}:2", f"{sub}:3"]
    finally:
        receiver.stop()


# -- the SSRF guard, on a server without --subscription-allow-hosts ---------------------------------------------

def endpoint_issues(answer) -> list[str]:
    return [e for issue in answer.json()["issue"] for e in issue.get("expression", [])]


def stored_with_endpoint(base: str, http, endpoint: str) -> int:
    found = http.get(f"{base}/Subscription", params={"url": endpoint})
    assert found.status_code == 200, found.text
    return len(found.json().get("entry", []))


@pytest.mark.parametrize("endpoint", [
    "http://127.0.0.1:{port}/hook-{tag}",
    "http://169.254.169.254/latest/meta-data/{tag}",
    "http://localhost:{port}/hook-{tag}",
    "http://[::ffff:127.0.0.1]:{port}/hook-{tag}",
    "http://2130706433:{port}/hook-{tag}",
])
def test_an_endpoint_inside_the_network_is_refused_and_nothing_stored(server, endpoint):
    http = TimeoutSession()
    receiver = Receiver().start()
    try:
        url = endpoint.format(port=receiver.port, tag=uuid.uuid4().hex[:8])
        body = {"resourceType": "Subscription", "status": "requested", "reason": "r", "criteria": "Observation?code=ssrf",
                "channel": {"type": "rest-hook", "endpoint": url}}
        answer = http.post(f"{server.base}/Subscription", json=body)
        assert answer.status_code == 422, answer.text
        assert endpoint_issues(answer) == ["Subscription.channel.endpoint"]
        assert "--subscription-allow-hosts" in answer.text
        assert stored_with_endpoint(server.base, http, url) == 0
        # Inside a transaction too: the whole Bundle is refused.
        bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
            {"fullUrl": "urn:uuid:" + str(uuid.uuid4()), "resource": {"resourceType": "Basic", "code": {"text": url}},
             "request": {"method": "POST", "url": "Basic"}},
            {"resource": body, "request": {"method": "POST", "url": "Subscription"}}]}
        answer = http.post(f"{server.base}", json=bundle)
        assert answer.status_code == 422, answer.text
        assert "Subscription.channel.endpoint" in endpoint_issues(answer)
        assert stored_with_endpoint(server.base, http, url) == 0
        time.sleep(0.3)
        assert receiver.received == []
    finally:
        receiver.stop()


def test_each_delivery_checks_the_endpoint_again(server_factory):
    """A Subscription written while the operator allowed 127.0.0.1; the server restarts without the allowance: the
    deliveries are refused before connecting, as failed attempts with the reason in the log."""
    server = server_factory("subscriptions-withdrawn", FAST_RETRIES + ALLOW_LOOPBACK + ["--subscription-retry-budget", "1h"])
    http = TimeoutSession()
    receiver = Receiver().start()
    try:
        created = http.post(f"{server.base}/Subscription", json={
            "resourceType": "Subscription", "status": "requested", "reason": "r", "criteria": "Observation?code=withdrawn",
            "channel": {"type": "rest-hook", "endpoint": receiver.url}})
        assert created.status_code == 201, created.text
        sub = created.json()["id"]
        server.stop()
        server.extra_args = FAST_RETRIES + ["--subscription-retry-budget", "1h"]
        server.start()
        http = TimeoutSession()
        assert http.post(f"{server.base}/Observation", json={
            "resourceType": "Observation", "status": "final", "code": {"coding": [{"code": "withdrawn"}]}}).status_code == 201
        deadline = time.time() + 10
        event = {}
        while time.time() < deadline:
            answer = http.get(f"{server.base}/Subscription/{sub}/$events")
            assert answer.status_code == 200, answer.text
            parts = [p for p in answer.json()["parameter"] if p["name"] == "event"]
            if parts:
                event = {q["name"]: next(v for k, v in q.items() if k.startswith("value")) for q in parts[0]["part"]}
                if event.get("attempts", 0) >= 2:
                    break
            time.sleep(0.1)
        assert event.get("attempts", 0) >= 2 and event["status"] == "pending", event
        assert "127.0.0.1 is a loopback address" in event["lastError"], event
        assert receiver.received == []
    finally:
        receiver.stop()


def test_a_patch_towards_the_metadata_service_is_refused_and_the_old_version_stays(server):
    http = TimeoutSession()
    endpoint = f"https://hooks.invalid/{uuid.uuid4().hex[:8]}"  # does not resolve: accepted, checked again at delivery
    created = http.post(f"{server.base}/Subscription", json={
        "resourceType": "Subscription", "status": "requested", "reason": "r", "criteria": "Observation?code=ssrf",
        "channel": {"type": "rest-hook", "endpoint": endpoint}})
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    patch = [{"op": "replace", "path": "/channel/endpoint", "value": "http://169.254.169.254/latest/meta-data/"}]
    answer = http.patch(f"{server.base}/Subscription/{sid}", data=json.dumps(patch),
                        headers={"Content-Type": "application/json-patch+json"})
    assert answer.status_code == 422, answer.text
    assert endpoint_issues(answer) == ["Subscription.channel.endpoint"]
    current = http.get(f"{server.base}/Subscription/{sid}").json()
    assert current["meta"]["versionId"] == "1" and current["channel"]["endpoint"] == endpoint
