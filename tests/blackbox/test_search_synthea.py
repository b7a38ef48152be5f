"""Search over all of data/synthea: the totals of representative queries of every parameter type, chains and
reverse chains equal the counts computed independently by `search_oracle` (fhirpathpy + the spec's rules, straight
from the bundles)."""

from __future__ import annotations

import functools
from decimal import Decimal

import pytest

from dossier_server import TimeoutSession
from search_oracle import (corpus, date_matches, number_matches, references, string_starts_with, synthea_id,
                           token_matches, values)

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
HEIGHT = "8302-2"
HBA1C = "4548-4"


def count(http, base: str, path: str, params: list[tuple[str, str]]) -> int:
    r = http.get(f"{base}/{path}", params=params + [("_summary", "count")])
    assert r.status_code == 200, r.text[:800]
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle" and "total" in bundle, bundle
    return bundle["total"]


def has_token(resource, code, system, value) -> bool:
    return any(token_matches(v, system, value) for v in values(resource, code))


@functools.lru_cache(maxsize=None)
def obs_with_code(code: str) -> list[dict]:
    return [o for o in corpus().resources("Observation") if has_token(o, "code", LOINC, code)]


def refers_to(resource: dict, code: str, target: dict) -> bool:
    return any(t is target for t in references(resource, code))


def patients_with_condition(system: str, code: str) -> list[dict]:
    conditions = [c for c in corpus().resources("Condition") if has_token(c, "code", system, code)]
    ids = {id(t) for c in conditions for t in references(c, "patient")}
    return [p for p in corpus().resources("Patient") if id(p) in ids]


CASES = [
    # token: code, system|code, Coding, CodeableConcept
    ("gender", "Patient", [("gender", "female")],
     lambda: [p for p in corpus().resources("Patient") if has_token(p, "gender", None, "female")]),
    ("code", "Observation", [("code", f"{LOINC}|{HEIGHT}")], lambda: obs_with_code(HEIGHT)),
    ("coding", "Encounter", [("class", "EMER")],
     lambda: [e for e in corpus().resources("Encounter") if has_token(e, "class", None, "EMER")]),
    ("concept", "Condition", [("code", f"{SNOMED}|444814009")],
     lambda: [c for c in corpus().resources("Condition") if has_token(c, "code", SNOMED, "444814009")]),
    ("or", "Immunization", [("vaccine-code", "http://hl7.org/fhir/sid/cvx|113,http://hl7.org/fhir/sid/cvx|133")],
     lambda: [i for i in corpus().resources("Immunization")
              if has_token(i, "vaccine-code", "http://hl7.org/fhir/sid/cvx", "113")
              or has_token(i, "vaccine-code", "http://hl7.org/fhir/sid/cvx", "133")]),
    ("status", "MedicationRequest", [("status", "active")],
     lambda: [m for m in corpus().resources("MedicationRequest") if has_token(m, "status", None, "active")]),
    # date with prefixes and AND of two bounds
    ("birthdate lt", "Patient", [("birthdate", "lt1960-01-01")],
     lambda: [p for p in corpus().resources("Patient") if any(date_matches(v, "lt", "1960-01-01") for v in values(p, "birthdate"))]),
    ("date ge", "Observation", [("code", f"{LOINC}|{HBA1C}"), ("date", "ge2015")],
     lambda: [o for o in obs_with_code(HBA1C) if any(date_matches(v, "ge", "2015") for v in values(o, "date"))]),
    ("date range", "Observation", [("code", f"{LOINC}|{HEIGHT}"), ("date", "ge2018-01-01"), ("date", "lt2019-07")],
     lambda: [o for o in obs_with_code(HEIGHT) if any(date_matches(v, "ge", "2018-01-01") for v in values(o, "date"))
              and any(date_matches(v, "lt", "2019-07") for v in values(o, "date"))]),
    ("period", "Encounter", [("date", "ge2020-03-01"), ("date", "le2020-03-31")],
     lambda: [e for e in corpus().resources("Encounter")
              if any(date_matches(v, "ge", "2020-03-01") for v in values(e, "date"))
              and any(date_matches(v, "le", "2020-03-31") for v in values(e, "date"))]),
    # quantity (number part, the unit as stored)
    ("quantity gt", "Observation", [("code", f"{LOINC}|{HEIGHT}"), ("value-quantity", "gt170")],
     lambda: [o for o in obs_with_code(HEIGHT)
              if any(number_matches(Decimal(str(v["value"])), "gt", "170") for v in values(o, "value-quantity"))]),
    # string: starts with, case and accent insensitive
    ("string", "Patient", [("name", "wi")],
     lambda: [p for p in corpus().resources("Patient") if any(string_starts_with(v, "wi") for v in values(p, "name"))]),
    ("family", "Practitioner", [("family", "Ba")],
     lambda: [p for p in corpus().resources("Practitioner") if any(string_starts_with(v, "ba") for v in values(p, "family"))]),
    # chain and reverse chain
    ("chain", "Observation", [("code", f"{LOINC}|{HEIGHT}"), ("subject:Patient.gender", "female")],
     lambda: [o for o in obs_with_code(HEIGHT)
              if any(has_token(p, "gender", None, "female") for p in references(o, "subject"))]),
    ("reverse chain", "Patient", [("_has:Condition:patient:code", f"{SNOMED}|840539006")],
     lambda: patients_with_condition(SNOMED, "840539006")),
]


@pytest.mark.parametrize("name,type_,params,expected", CASES, ids=[c[0] for c in CASES])
def test_search_totals_match_the_independent_model(synthea, name, type_, params, expected):
    want = len(expected())
    assert want > 0, f"{name}: the query must match something to prove anything"
    with TimeoutSession() as http:
        assert count(http, synthea.base, type_, params) == want


def test_patient_scoped_search_matches_the_patients_own_resources(synthea):
    """`Observation?subject=Patient/X&code=Y` for the patient with the most heights recorded."""
    patients = corpus().resources("Patient")
    heights = {synthea_id(p): sum(1 for o in obs_with_code(HEIGHT) if refers_to(o, "subject", p)) for p in patients}
    busiest = max(heights, key=heights.get)
    with TimeoutSession() as http:
        found = http.get(f"{synthea.base}/Patient", params={"identifier": f"https://github.com/synthetichealth/synthea|{busiest}"}).json()
        server_id = found["entry"][0]["resource"]["id"]
        got = count(http, synthea.base, "Observation", [("subject", f"Patient/{server_id}"), ("code", f"{LOINC}|{HEIGHT}")])
        assert got == heights[busiest] > 1
        # The same through the patient compartment.
        assert count(http, synthea.base, f"Patient/{server_id}/Observation", [("code", f"{LOINC}|{HEIGHT}")]) == got


def test_sort_by_birthdate_orders_like_the_bundles(synthea):
    births = sorted(p["birthDate"] for p in corpus().resources("Patient"))
    with TimeoutSession() as http:
        asc = http.get(f"{synthea.base}/Patient", params={"_sort": "birthdate", "_count": "25", "_elements": "birthDate"}).json()
        desc = http.get(f"{synthea.base}/Patient", params={"_sort": "-birthdate", "_count": "25", "_elements": "birthDate"}).json()
    assert [e["resource"]["birthDate"] for e in asc["entry"]] == births[:25]
    assert [e["resource"]["birthDate"] for e in desc["entry"]] == list(reversed(births))[:25]
