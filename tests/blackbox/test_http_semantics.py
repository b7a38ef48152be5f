"""FHIR R4 RESTful HTTP semantics (https://hl7.org/fhir/R4/http.html), checked with raw HTTP requests.

Each test states the rule of the specification it checks. Statuses are exact where R4 names one, and a small set
where R4 leaves the server a choice.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from urllib.parse import urljoin

import pytest

from fhirutil import (
    FHIR_JSON,
    JSON_HEADERS,
    assert_fhir_json,
    assert_outcome,
    bundle_link,
    etag_version,
    last_modified,
    observation,
    parse_instant,
    patient,
    utcnow,
)


def create(http, base, body, **headers):
    return http.post(f"{base}/{body['resourceType']}", data=json.dumps(body), headers={**JSON_HEADERS, **headers})


def create_ok(http, base, body) -> dict:
    r = create(http, base, body)
    assert r.status_code == 201, r.text[:500]
    return r.json()


def put(http, base, body, rid, **headers):
    return http.put(f"{base}/{body['resourceType']}/{rid}", data=json.dumps(body), headers={**JSON_HEADERS, **headers})


def search_ids(http, base, type_, **params) -> list[str]:
    r = http.get(f"{base}/{type_}", params=params, headers={"Accept": FHIR_JSON})
    assert r.status_code == 200, r.text[:500]
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e.get("search", {}).get("mode", "match") == "match"]


# --- health and capabilities -------------------------------------------------------------------------------------

def test_health(server, http):
    assert http.get(f"{server.root}/health").status_code == 200


def test_metadata_is_a_capability_statement(http, base):
    r = http.get(f"{base}/metadata", headers={"Accept": FHIR_JSON})
    assert r.status_code == 200
    caps = assert_fhir_json(r)
    assert caps["resourceType"] == "CapabilityStatement"
    assert caps["fhirVersion"] == "4.0.1"
    assert caps["kind"] == "instance"
    assert caps["status"] in ("draft", "active", "retired", "unknown")
    assert caps.get("date")
    assert any("json" in f for f in caps["format"])
    assert not any("xml" in f for f in caps["format"]), "XML is not served, so the CapabilityStatement must not claim it"
    rest = [x for x in caps["rest"] if x["mode"] == "server"][0]
    types = {res["type"]: res for res in rest["resource"]}
    assert {"Patient", "Observation"} <= set(types)
    interactions = {i["code"] for i in types["Patient"]["interaction"]}
    assert {"read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create"} <= interactions
    system_interactions = {i["code"] for i in rest.get("interaction", [])}
    assert {"transaction", "batch"} <= system_interactions


# --- create / read / vread ---------------------------------------------------------------------------------------

def test_create_returns_201_location_etag_last_modified(http, base, system):
    r = create(http, base, patient(system))
    assert r.status_code == 201, r.text[:500]
    body = assert_fhir_json(r)
    pid = body["id"]
    assert re.fullmatch(r"[A-Za-z0-9\-.]{1,64}", pid), f"server id {pid!r} is not a valid FHIR id"
    assert body["meta"]["versionId"] == "1"
    # Location: [base]/[type]/[id]/_history/[vid]
    location = r.headers.get("Location")
    assert location, "no Location header"
    assert urljoin(r.url, location) == f"{base}/Patient/{pid}/_history/1"
    assert etag_version(r) == "1"
    modified = last_modified(r)
    updated = parse_instant(body["meta"]["lastUpdated"])
    assert modified == updated.replace(microsecond=0), (r.headers["Last-Modified"], body["meta"]["lastUpdated"])


def test_create_ignores_client_id_and_meta(http, base, system):
    body = patient(system, id="client-chosen-id", meta={"versionId": "42", "lastUpdated": "2001-01-01T00:00:00Z"})
    r = create(http, base, body)
    assert r.status_code == 201, r.text[:500]
    created = r.json()
    assert created["id"] != "client-chosen-id"
    assert created["meta"]["versionId"] == "1"
    assert not created["meta"]["lastUpdated"].startswith("2001")


def test_read_and_vread(http, base, system):
    created = create_ok(http, base, patient(system))
    pid = created["id"]
    r = http.get(f"{base}/Patient/{pid}", headers={"Accept": FHIR_JSON})
    assert r.status_code == 200
    assert r.json() == created
    assert etag_version(r) == "1"
    last_modified(r)

    changed = dict(created, active=False)
    assert put(http, base, changed, pid).status_code == 200

    v1 = http.get(f"{base}/Patient/{pid}/_history/1")
    assert v1.status_code == 200
    assert v1.json() == created
    assert etag_version(v1) == "1"
    v2 = http.get(f"{base}/Patient/{pid}/_history/2")
    assert v2.status_code == 200
    assert v2.json()["active"] is False
    assert v2.json()["meta"]["versionId"] == "2"
    assert etag_version(v2) == "2"
    assert_outcome(http.get(f"{base}/Patient/{pid}/_history/3"), 404)
    assert_outcome(http.get(f"{base}/Patient/does-not-exist-{uuid.uuid4().hex[:8]}"), 404)


def test_lossless_json_decimals_and_extensions(http, base, system):
    pid = create_ok(http, base, patient(system))["id"]
    raw = (
        '{"resourceType":"Observation","status":"final",'
        '"code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},'
        f'"subject":{{"reference":"Patient/{pid}"}},'
        '"extension":[{"url":"http://example.org/fhir/StructureDefinition/precision","valueDecimal":3.14159265358979323846}],'
        '"valueQuantity":{"value":72.50,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}'
    )
    r = http.post(f"{base}/Observation", data=raw, headers=JSON_HEADERS)
    assert r.status_code == 201, r.text[:500]
    oid = r.json()["id"]
    text = http.get(f"{base}/Observation/{oid}").text
    assert re.search(r'"value"\s*:\s*72\.50\b', text), "decimal 72.50 lost its trailing zero"
    assert re.search(r'"valueDecimal"\s*:\s*3\.14159265358979323846\b', text), "decimal lost digits"


# --- Prefer -------------------------------------------------------------------------------------------------------

def test_prefer_return_minimal_has_empty_body(http, base, system):
    r = create(http, base, patient(system), Prefer="return=minimal")
    assert r.status_code == 201
    assert r.content == b""
    assert "/Patient/" in r.headers["Location"]
    assert etag_version(r) == "1"
    pid = urljoin(r.url, r.headers["Location"]).split("/Patient/")[1].split("/")[0]
    u = put(http, base, patient(system, id=pid), pid, Prefer="return=minimal")
    assert u.status_code == 200
    assert u.content == b""
    assert etag_version(u) == "2"


def test_prefer_return_operation_outcome(http, base, system):
    r = create(http, base, patient(system), Prefer="return=OperationOutcome")
    assert r.status_code == 201
    assert assert_fhir_json(r)["resourceType"] == "OperationOutcome"
    assert etag_version(r) == "1"


def test_prefer_return_representation(http, base, system):
    r = create(http, base, patient(system), Prefer="return=representation")
    assert r.status_code == 201
    assert r.json()["resourceType"] == "Patient"


# --- update, optimistic locking -----------------------------------------------------------------------------------

def test_update_if_match(http, base, system):
    created = create_ok(http, base, patient(system))
    pid = created["id"]
    ok = put(http, base, dict(created, active=False), pid, **{"If-Match": 'W/"1"'})
    assert ok.status_code == 200, ok.text[:500]
    assert etag_version(ok) == "2"
    assert ok.json()["meta"]["versionId"] == "2"
    last_modified(ok)

    stale = put(http, base, dict(created, gender="male"), pid, **{"If-Match": 'W/"1"'})
    assert_outcome(stale, 412)
    assert http.get(f"{base}/Patient/{pid}").json()["gender"] == "female", "a 412 must change nothing"

    ok3 = put(http, base, dict(created, gender="male"), pid, **{"If-Match": 'W/"2"'})
    assert ok3.status_code == 200
    assert etag_version(ok3) == "3"


def test_update_as_create_with_client_id(http, base, system):
    pid = f"client-{uuid.uuid4().hex[:16]}"
    r = put(http, base, patient(system, id=pid), pid)
    assert r.status_code == 201, r.text[:500]
    assert urljoin(r.url, r.headers["Location"]) == f"{base}/Patient/{pid}/_history/1"
    assert etag_version(r) == "1"
    assert http.get(f"{base}/Patient/{pid}").status_code == 200


def test_update_id_rules(http, base, system):
    pid = create_ok(http, base, patient(system))["id"]
    # R4: no id in the body, or an id that differs from the URL -> 400
    assert_outcome(put(http, base, patient(system), pid), 400)
    assert_outcome(put(http, base, patient(system, id="someone-else"), pid), 400)
    # resourceType must match the URL
    obs = observation(f"Patient/{pid}")
    r = http.put(f"{base}/Patient/{pid}", data=json.dumps(dict(obs, id=pid)), headers=JSON_HEADERS)
    assert_outcome(r, 400, 422)
    # invalid id syntax
    assert_outcome(put(http, base, patient(system, id="bad_id!"), "bad_id!"), 400)


# --- delete ------------------------------------------------------------------------------------------------------

def test_delete_then_read_is_gone(http, base, system):
    pid = create_ok(http, base, patient(system))["id"]
    d = http.delete(f"{base}/Patient/{pid}")
    assert d.status_code in (200, 204), d.text[:500]
    if d.status_code == 204:
        assert d.content == b""
    gone = http.get(f"{base}/Patient/{pid}")
    assert_outcome(gone, 410)
    # older versions stay readable
    assert http.get(f"{base}/Patient/{pid}/_history/1").status_code == 200
    # deleting again has no effect
    assert http.delete(f"{base}/Patient/{pid}").status_code in (200, 204)
    assert search_ids(http, base, "Patient", _id=pid) == []


# --- content negotiation -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "application/json", "application/fhir+json"])
def test_format_parameter_json(http, base, system, fmt):
    pid = create_ok(http, base, patient(system))["id"]
    r = http.get(f"{base}/Patient/{pid}", params={"_format": fmt})
    assert r.status_code == 200
    assert assert_fhir_json(r)["id"] == pid


def test_accept_application_json(http, base, system):
    pid = create_ok(http, base, patient(system))["id"]
    r = http.get(f"{base}/Patient/{pid}", headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert assert_fhir_json(r)["id"] == pid


def test_pretty(http, base, system):
    pid = create_ok(http, base, patient(system))["id"]
    compact = http.get(f"{base}/Patient/{pid}", params={"_format": "json"})
    pretty = http.get(f"{base}/Patient/{pid}", params={"_format": "json", "_pretty": "true"})
    assert pretty.status_code == 200
    assert pretty.json() == compact.json()
    assert "\n" in pretty.text.strip() and re.search(r"\n\s+\"", pretty.text), "pretty output is not indented"


def test_xml_is_not_acceptable(http, base, system):
    pid = create_ok(http, base, patient(system))["id"]
    assert_outcome(http.get(f"{base}/Patient/{pid}", headers={"Accept": "application/fhir+xml"}), 406)
    assert_outcome(http.get(f"{base}/Patient/{pid}", params={"_format": "xml"}), 406)


def test_xml_body_is_unsupported_media_type(http, base):
    xml = '<Patient xmlns="http://hl7.org/fhir"><active value="true"/></Patient>'
    r = http.post(f"{base}/Patient", data=xml, headers={"Content-Type": "application/fhir+xml", "Accept": FHIR_JSON})
    assert_outcome(r, 415)


# --- bad input ---------------------------------------------------------------------------------------------------

def test_invalid_json_is_400_operation_outcome(http, base):
    r = http.post(f"{base}/Patient", data='{"resourceType": "Patient", "active": tru', headers=JSON_HEADERS)
    assert_outcome(r, 400)


def test_unknown_resource_type(http, base):
    r = http.post(f"{base}/NotAResource", data=json.dumps({"resourceType": "NotAResource"}), headers=JSON_HEADERS)
    assert_outcome(r, 400, 404)
    assert_outcome(http.get(f"{base}/NotAResource/123"), 400, 404)


def test_body_resource_type_must_match_url(http, base, system):
    r = http.post(f"{base}/Observation", data=json.dumps(patient(system)), headers=JSON_HEADERS)
    assert_outcome(r, 400, 422)


def test_invalid_primitive_names_the_element(http, base, system):
    r = create(http, base, patient(system, "bad-date", birthDate="1984-13-45"))
    outcome = assert_outcome(r, 400, 422)
    where = json.dumps([i.get("expression", []) + i.get("location", []) for i in outcome["issue"]])
    assert "birthDate" in where, f"the OperationOutcome does not name Patient.birthDate: {where}"
    assert search_ids(http, base, "Patient", identifier=f"{system}|bad-date") == [], "an invalid resource was stored"


def test_too_deep_json_is_rejected_cleanly(server, http, base):
    nested: dict = {"url": "http://example.org/leaf", "valueString": "x"}
    for _ in range(300):
        nested = {"url": "http://example.org/n", "extension": [nested]}
    body = {"resourceType": "Patient", "extension": [nested]}
    r = http.post(f"{base}/Patient", data=json.dumps(body), headers=JSON_HEADERS)
    assert_outcome(r, 400, 413, 422)
    assert http.get(f"{server.root}/health").status_code == 200


def test_method_not_allowed(http, base, system):
    pid = create_ok(http, base, patient(system))["id"]
    r = http.post(f"{base}/Patient/{pid}", data=json.dumps(patient(system)), headers=JSON_HEADERS)
    assert_outcome(r, 405)
    assert r.headers.get("Allow"), "a 405 must list the allowed methods (RFC 9110 15.5.6)"


@pytest.fixture(scope="module")
def small_body_server(server_factory):
    return server_factory("small-body", ["--max-body-bytes", "16384"])


def test_body_over_limit_is_413(small_body_server, http, system):
    base = small_body_server.base
    assert create(http, base, patient(system)).status_code == 201, "a small body must still be accepted"
    big = patient(system, name=[{"family": "x" * 20000}])
    r = create(http, base, big)
    assert_outcome(r, 413)
    assert search_ids(http, base, "Patient", identifier=f"{system}|{big['identifier'][0]['value']}") == []


# --- JSON Patch ---------------------------------------------------------------------------------------------------

def test_json_patch(http, base, system):
    pid = create_ok(http, base, patient(system))["id"]
    patch = [
        {"op": "replace", "path": "/active", "value": False},
        {"op": "add", "path": "/name/0/given/-", "value": "Anne"},
    ]
    headers = {"Content-Type": "application/json-patch+json", "Accept": FHIR_JSON}
    r = http.patch(f"{base}/Patient/{pid}", data=json.dumps(patch), headers=headers)
    assert r.status_code == 200, r.text[:500]
    assert etag_version(r) == "2"
    now = http.get(f"{base}/Patient/{pid}").json()
    assert now["active"] is False
    assert now["name"][0]["given"] == ["Claire", "Anne"]
    assert now["meta"]["versionId"] == "2"

    # A failing "test" operation applies nothing.
    failing = [{"op": "test", "path": "/gender", "value": "male"}, {"op": "replace", "path": "/gender", "value": "other"}]
    assert_outcome(http.patch(f"{base}/Patient/{pid}", data=json.dumps(failing), headers=headers), 400, 409, 422)
    # Version contention on PATCH.
    stale = http.patch(f"{base}/Patient/{pid}", data=json.dumps(patch), headers={**headers, "If-Match": 'W/"1"'})
    assert_outcome(stale, 412)
    # A patch that breaks the resource (wrong type for "active") is rejected.
    breaking = [{"op": "replace", "path": "/active", "value": "not-a-boolean"}]
    assert_outcome(http.patch(f"{base}/Patient/{pid}", data=json.dumps(breaking), headers=headers), 400, 422)
    final = http.get(f"{base}/Patient/{pid}").json()
    assert final["gender"] == "female" and final["meta"]["versionId"] == "2"


# --- conditional interactions ------------------------------------------------------------------------------------

def test_conditional_create(http, base, system):
    crit = f"identifier={system}|cc"
    first = create(http, base, patient(system, "cc"), **{"If-None-Exist": crit})
    assert first.status_code == 201
    second = create(http, base, patient(system, "cc"), **{"If-None-Exist": crit})
    assert second.status_code == 200, "one match: the server ignores the POST and answers 200"
    assert search_ids(http, base, "Patient", identifier=f"{system}|cc") == [first.json()["id"]]
    assert create(http, base, patient(system, "cc")).status_code == 201
    assert_outcome(create(http, base, patient(system, "cc"), **{"If-None-Exist": crit}), 412)


def test_conditional_update_by_identifier(http, base, system):
    url = f"{base}/Patient"
    params = {"identifier": f"{system}|cu"}
    # no match, no id: create
    r1 = http.put(url, params=params, data=json.dumps(patient(system, "cu")), headers=JSON_HEADERS)
    assert r1.status_code == 201, r1.text[:500]
    pid = urljoin(r1.url, r1.headers["Location"]).split("/Patient/")[1].split("/")[0]
    # one match: update that resource
    r2 = http.put(url, params=params, data=json.dumps(patient(system, "cu", active=False)), headers=JSON_HEADERS)
    assert r2.status_code == 200, r2.text[:500]
    assert etag_version(r2) == "2"
    current = http.get(f"{base}/Patient/{pid}").json()
    assert current["active"] is False and current["meta"]["versionId"] == "2"
    # one match but the body names another id: 400
    r3 = http.put(url, params=params, data=json.dumps(patient(system, "cu", id="another-id")), headers=JSON_HEADERS)
    assert_outcome(r3, 400)
    # multiple matches: 412
    create_ok(http, base, patient(system, "cu"))
    r4 = http.put(url, params=params, data=json.dumps(patient(system, "cu")), headers=JSON_HEADERS)
    assert_outcome(r4, 412)


def test_conditional_delete_by_identifier(http, base, system):
    keep = create_ok(http, base, patient(system, "keep"))["id"]
    drop = create_ok(http, base, patient(system, "drop"))["id"]
    r = http.delete(f"{base}/Patient", params={"identifier": f"{system}|drop"})
    assert r.status_code in (200, 204), r.text[:500]
    assert http.get(f"{base}/Patient/{drop}").status_code == 410
    assert http.get(f"{base}/Patient/{keep}").status_code == 200


# --- history -----------------------------------------------------------------------------------------------------

def test_history_paging_with_next_links(http, base, system):
    created = create_ok(http, base, patient(system))
    pid = created["id"]
    for i in range(6):
        assert put(http, base, dict(created, birthDate=f"198{i}-01-01"), pid).status_code == 200
    url = f"{base}/Patient/{pid}/_history?_count=2"
    versions, pages = [], 0
    while url and pages < 10:
        r = http.get(url, headers={"Accept": FHIR_JSON})
        assert r.status_code == 200, r.text[:500]
        bundle = r.json()
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "history"
        assert len(bundle.get("entry", [])) <= 2
        versions += [e["resource"]["meta"]["versionId"] for e in bundle.get("entry", [])]
        pages += 1
        nxt = bundle_link(bundle, "next")
        url = urljoin(r.url, nxt) if nxt else None
        if url:
            assert url.startswith(base), f"next link {nxt!r} is not under the base URL"
    assert versions == ["7", "6", "5", "4", "3", "2", "1"], "history is newest first, each version once"
    assert pages >= 4, "_count=2 was not honoured"


def test_history_entries_have_request_and_response(http, base, system):
    created = create_ok(http, base, patient(system))
    pid = created["id"]
    put(http, base, dict(created, active=False), pid)
    http.delete(f"{base}/Patient/{pid}")
    bundle = http.get(f"{base}/Patient/{pid}/_history").json()
    methods = [e["request"]["method"] for e in bundle["entry"]]
    assert methods == ["DELETE", "PUT", "POST"]
    assert "resource" not in bundle["entry"][0]
    for e in bundle["entry"][1:]:
        assert e["fullUrl"] == f"{base}/Patient/{pid}"


def test_history_since_and_type_and_system_level(http, base, system):
    before = utcnow() - timedelta(seconds=1)
    created = create_ok(http, base, patient(system))
    pid = created["id"]
    # R4: _since includes versions created "at or after the given instant".
    at_same_instant = http.get(f"{base}/Patient/{pid}/_history", params={"_since": created["meta"]["lastUpdated"]}).json()
    assert [e["resource"]["meta"]["versionId"] for e in at_same_instant.get("entry", [])] == ["1"], (
        "_since equal to the version's lastUpdated must include that version"
    )
    future = (utcnow() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    empty = http.get(f"{base}/Patient/{pid}/_history", params={"_since": future}).json()
    assert empty.get("entry", []) == []
    since = before.strftime("%Y-%m-%dT%H:%M:%SZ")
    type_level = http.get(f"{base}/Patient/_history", params={"_since": since, "_count": 1000}).json()
    assert type_level["type"] == "history"
    assert pid in {e["resource"]["id"] for e in type_level.get("entry", []) if "resource" in e}
    system_level = http.get(f"{base}/_history", params={"_since": since, "_count": 1000}).json()
    assert system_level["type"] == "history"
    assert any(e.get("resource", {}).get("id") == pid for e in system_level.get("entry", []))


# --- batch and transaction ---------------------------------------------------------------------------------------

def post_bundle(http, base, bundle):
    return http.post(base, data=json.dumps(bundle), headers=JSON_HEADERS)


def test_transaction_is_all_or_nothing(http, base, system):
    patient_urn = f"urn:uuid:{uuid.uuid4()}"
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"fullUrl": patient_urn, "resource": patient(system, "atomic"), "request": {"method": "POST", "url": "Patient"}},
            {
                "resource": dict(observation(patient_urn), effectiveDateTime="2024-99-99"),
                "request": {"method": "POST", "url": "Observation"},
            },
        ],
    }
    assert_outcome(post_bundle(http, base, bundle), 400, 422)
    assert search_ids(http, base, "Patient", identifier=f"{system}|atomic") == []


def test_transaction_resolves_conditional_references(http, base, system):
    pid = create_ok(http, base, patient(system, "ref-target"))["id"]
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": observation(f"Patient?identifier={system}|ref-target"),
                "request": {"method": "POST", "url": "Observation"},
            }
        ],
    }
    r = post_bundle(http, base, bundle)
    assert r.status_code == 200, r.text[:500]
    resp = r.json()
    assert resp["type"] == "transaction-response"
    loc = resp["entry"][0]["response"]["location"]
    oid = loc.split("Observation/")[1].split("/")[0]
    assert http.get(f"{base}/Observation/{oid}").json()["subject"]["reference"] == f"Patient/{pid}"


def test_batch_entries_succeed_or_fail_independently(http, base, system):
    bundle = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {"resource": patient(system, "batch-ok"), "request": {"method": "POST", "url": "Patient"}},
            {"resource": patient(system, "batch-bad", birthDate="not-a-date"), "request": {"method": "POST", "url": "Patient"}},
            {"request": {"method": "GET", "url": "Patient/does-not-exist-batch"}},
        ],
    }
    r = post_bundle(http, base, bundle)
    assert r.status_code == 200, r.text[:500]
    resp = r.json()
    assert resp["type"] == "batch-response"
    statuses = [e["response"]["status"].split()[0] for e in resp["entry"]]
    assert statuses[0] == "201"
    assert statuses[1] in ("400", "422")
    assert statuses[2] == "404"
    assert resp["entry"][1]["response"]["outcome"]["resourceType"] == "OperationOutcome"
    assert len(search_ids(http, base, "Patient", identifier=f"{system}|batch-ok")) == 1
