"""Small helpers shared by the black-box tests: resource builders and FHIR response checks."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

FHIR_JSON = "application/fhir+json"
JSON_HEADERS = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}

WEAK_ETAG = re.compile(r'^W/"([^"]+)"$')


def patient(system: str, value: str | None = None, **fields) -> dict:
    """A small valid Patient with one identifier in ``system``."""
    body = {
        "resourceType": "Patient",
        "identifier": [{"system": system, "value": value or str(uuid.uuid4())}],
        "active": True,
        "name": [{"family": "Martin", "given": ["Claire"]}],
        "gender": "female",
        "birthDate": "1984-03-12",
    }
    body.update(fields)
    return body


def observation(subject_reference: str, value: str = "72") -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}]},
        "subject": {"reference": subject_reference},
        "effectiveDateTime": "2024-05-01T10:30:00+02:00",
        "valueQuantity": {"value": float(value), "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"},
    }


def etag_version(response) -> str:
    """The version in a weak ETag header (``W/"3"`` -> ``"3"``); fails the test if the header is missing or not weak."""
    etag = response.headers.get("ETag")
    assert etag is not None, f"no ETag header on {response.request.method} {response.url}"
    m = WEAK_ETAG.match(etag)
    assert m, f'ETag {etag!r} is not of the form W/"n"'
    return m.group(1)


def last_modified(response) -> datetime:
    value = response.headers.get("Last-Modified")
    assert value is not None, f"no Last-Modified header on {response.request.method} {response.url}"
    parsed = parsedate_to_datetime(value)
    assert parsed is not None and parsed.tzinfo is not None, f"Last-Modified {value!r} is not an HTTP-date"
    return parsed


def parse_instant(text: str) -> datetime:
    """A FHIR instant (``2024-05-01T10:30:00.123+02:00`` or ``...Z``) as an aware datetime."""
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", text), f"{text!r} is not a FHIR instant"
    t = text.replace("Z", "+00:00")
    # Python < 3.11 and odd fraction lengths: normalise the fraction to 6 digits.
    m = re.match(r"^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$", t)
    frac = (m.group(2) or "0")[:6].ljust(6, "0")
    return datetime.fromisoformat(f"{m.group(1)}.{frac}{m.group(3)}")


def is_fhir_json(response) -> bool:
    ctype = response.headers.get("Content-Type", "")
    return ctype.split(";")[0].strip() in (FHIR_JSON, "application/json")


def assert_fhir_json(response) -> dict:
    assert is_fhir_json(response), f"Content-Type {response.headers.get('Content-Type')!r} is not FHIR JSON"
    return response.json()


def assert_outcome(response, *statuses: int) -> dict:
    """The response has one of ``statuses`` and a JSON OperationOutcome body with at least one issue."""
    assert response.status_code in statuses, (
        f"{response.request.method} {response.url}: expected {statuses}, got {response.status_code}: {response.text[:500]}"
    )
    body = assert_fhir_json(response)
    assert body.get("resourceType") == "OperationOutcome", f"not an OperationOutcome: {json.dumps(body)[:500]}"
    assert body.get("issue"), "OperationOutcome without issue"
    for issue in body["issue"]:
        assert issue.get("severity") in ("fatal", "error", "warning", "information"), issue
        assert issue.get("code"), issue
    return body


def bundle_link(bundle: dict, relation: str) -> str | None:
    for link in bundle.get("link", []):
        if link.get("relation") == relation:
            return link.get("url")
    return None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
