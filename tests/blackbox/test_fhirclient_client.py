"""Drives the running server with SMART on FHIR's `fhirclient` and its R4 models.

fhirclient parses every response into strict R4 model classes, so these tests also check that what the server
sends (CapabilityStatement, resources, Bundles) is valid R4 JSON.
"""

from __future__ import annotations

import pytest
from fhirclient.client import FHIRClient
from fhirclient.models.bundle import Bundle
from fhirclient.models.capabilitystatement import CapabilityStatement
from fhirclient.models.humanname import HumanName
from fhirclient.models.observation import Observation
from fhirclient.models.patient import Patient

from dossier_server import TimeoutSession
from fhirutil import observation, patient


@pytest.fixture
def smart(base) -> FHIRClient:
    client = FHIRClient(settings={"app_id": "dossier-blackbox", "api_base": base})
    client.server.session = TimeoutSession()  # fhirclient has no timeout setting of its own
    return client


def status_of(error: Exception) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


def test_capability_statement_parses_as_r4(smart, base):
    # The server announces SMART on FHIR in rest.security (oauth-uris): fhirclient reads the endpoints from it and,
    # having no token yet, is not ready until it signs in.
    assert smart.prepare() is False, "a SMART client must see that the server wants OAuth 2.0"
    origin = base[: -len("/fhir")]
    assert smart.server.auth is not None
    assert smart.server.auth._authorize_uri == origin + "/authorize"
    assert smart.server.auth._token_uri == origin + "/token"
    caps = smart.server.capabilityStatement
    assert isinstance(caps, CapabilityStatement)
    assert caps.fhirVersion == "4.0.1"
    assert caps.kind == "instance"
    assert any("json" in f for f in caps.format)
    server_rest = [r for r in caps.rest if r.mode == "server"]
    assert server_rest, "no rest entry with mode=server"
    patient_caps = [r for r in server_rest[0].resource if r.type == "Patient"]
    assert patient_caps, "Patient is not listed"
    interactions = {i.code for i in patient_caps[0].interaction}
    assert {"read", "vread", "update", "delete", "create", "history-instance"} <= interactions


def test_create_read_update_delete(smart, system):
    server = smart.server
    new = Patient(patient(system, "fc-1"))
    created = new.create(server)
    assert created and created.get("id"), f"create returned no representation: {created!r}"
    pid = created["id"]

    read = Patient.read(pid, server)
    assert read.id == pid
    assert read.meta.versionId == "1"
    assert read.name[0].family == "Martin"
    assert read.birthDate.as_json() == "1984-03-12"

    read.name = [HumanName({"family": "Bernard", "given": ["Claire"]})]
    updated = read.update()
    if updated is not None:
        assert updated["meta"]["versionId"] == "2"
    again = Patient.read(pid, server)
    assert again.meta.versionId == "2"
    assert again.name[0].family == "Bernard"

    again.delete()
    with pytest.raises(Exception) as gone:
        Patient.read(pid, server)
    assert status_of(gone.value) == 410, f"read after delete: expected 410 Gone, got {status_of(gone.value)}"


def test_search_by_identifier_and_id_with_paging(smart, system):
    server = smart.server
    ids = []
    for i in range(5):
        ids.append(Patient(patient(system, f"fc-search-{i}")).create(server)["id"])
    other = Observation(observation(f"Patient/{ids[0]}"))
    other.create(server)

    by_identifier = Patient.where(struct={"identifier": f"{system}|fc-search-3"}).perform_resources_iter(server)
    assert [p.id for p in by_identifier] == [ids[3]]

    by_id = list(Patient.where(struct={"_id": ids[1]}).perform_resources_iter(server))
    assert [p.id for p in by_id] == [ids[1]]
    assert isinstance(by_id[0], Patient)

    # All five through the paging links (whatever page size the server chooses with _count=2).
    everything = []
    for page in Patient.where(struct={"_id": ",".join(ids), "_count": "2"}).perform_iter(server):
        assert isinstance(page, Bundle)
        assert page.type == "searchset"
        everything.extend(e.resource.id for e in (page.entry or []) if e.search is None or e.search.mode == "match")
    assert sorted(everything) == sorted(ids)

    nothing = list(Patient.where(struct={"_id": "does-not-exist-" + system[-12:]}).perform_resources_iter(server))
    assert nothing == []
