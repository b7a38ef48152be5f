"""Drives the running server with fhirpy's synchronous client, as a Python FHIR application would."""

from __future__ import annotations

import uuid

import pytest
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import MultipleResourcesFound, ResourceNotFound

from dossier_server import REQUEST_TIMEOUT, operator_token
from fhirutil import observation, patient


@pytest.fixture
def client(base) -> SyncFHIRClient:
    return SyncFHIRClient(base, authorization=f"Bearer {operator_token(base + '/')}", requests_config={"timeout": REQUEST_TIMEOUT})


def test_create_read_update_search_delete_history(client, system):
    # create
    created = client.resource("Patient", **patient(system, "crud-1"))
    created.save()
    pid = created.id
    assert pid, "the server assigned no id"
    assert created["meta"]["versionId"] == "1"
    assert created["meta"]["lastUpdated"]

    # read
    read = client.get("Patient", pid)
    assert read["id"] == pid
    assert read["name"][0]["family"] == "Martin"
    assert read["identifier"][0] == {"system": system, "value": "crud-1"}
    assert read["meta"]["versionId"] == "1"

    # update
    created["name"] = [{"family": "Martin-Durand", "given": ["Claire"]}]
    created.save()
    assert created["meta"]["versionId"] == "2"
    assert client.get("Patient", pid)["name"][0]["family"] == "Martin-Durand"

    # search by _id
    found = client.resources("Patient").search(_id=pid).fetch()
    assert [r.id for r in found] == [pid]
    assert found[0]["meta"]["versionId"] == "2"

    # delete, then the resource is gone (410 Gone, which fhirpy reports as ResourceNotFound)
    client.resource("Patient", id=pid).delete()
    with pytest.raises(ResourceNotFound):
        client.get("Patient", pid)
    assert client.resources("Patient").search(_id=pid).fetch() == []

    # history of the instance: create, update, delete; newest first
    history = client.execute(f"Patient/{pid}/_history", method="get")
    assert history["resourceType"] == "Bundle"
    assert history["type"] == "history"
    entries = history["entry"]
    assert len(entries) == 3, [e.get("request") for e in entries]
    assert entries[0]["request"]["method"] == "DELETE"
    assert "resource" not in entries[0]
    assert [e["resource"]["meta"]["versionId"] for e in entries[1:]] == ["2", "1"]
    assert entries[1]["resource"]["name"][0]["family"] == "Martin-Durand"
    assert entries[2]["resource"]["name"][0]["family"] == "Martin"


def test_transaction_rewrites_urn_uuid_references(client, system):
    patient_urn = f"urn:uuid:{uuid.uuid4()}"
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": observation(patient_urn),
                "request": {"method": "POST", "url": "Observation"},
            },
            {
                "fullUrl": patient_urn,
                "resource": patient(system, "tx-1"),
                "request": {"method": "POST", "url": "Patient"},
            },
        ],
    }
    # fhirpy (like fhirclient) posts transactions to the base URL itself.
    response = client.execute("", method="post", data=bundle)
    assert response["resourceType"] == "Bundle"
    assert response["type"] == "transaction-response"
    assert len(response["entry"]) == 2
    for entry in response["entry"]:
        assert entry["response"]["status"].startswith("201"), entry["response"]
    # Entries answer in the order of the request.
    obs_location = response["entry"][0]["response"]["location"]
    pat_location = response["entry"][1]["response"]["location"]
    assert "Observation/" in obs_location and "/_history/1" in obs_location
    assert "Patient/" in pat_location and "/_history/1" in pat_location
    obs_id = obs_location.split("Observation/")[1].split("/")[0]
    pat_id = pat_location.split("Patient/")[1].split("/")[0]

    obs = client.get("Observation", obs_id)
    assert obs["subject"]["reference"] == f"Patient/{pat_id}"
    pat = client.get("Patient", pat_id)
    assert pat["identifier"][0]["value"] == "tx-1"


def test_conditional_create_with_if_none_exist(base, client, system):
    criteria = f"identifier={system}|cond-1"
    # fhirpy's own conditional create puts the criteria in the query string (not FHIR R4); the R4 way is the
    # If-None-Exist header, which a client with extra headers sends.
    conditional = SyncFHIRClient(
        base,
        authorization=f"Bearer {operator_token(base + '/')}",
        extra_headers={"If-None-Exist": criteria},
        requests_config={"timeout": REQUEST_TIMEOUT},
    )
    first, status1 = conditional._do_request("post", "Patient", data=patient(system, "cond-1"), returning_status=True)
    assert status1 == 201
    second, status2 = conditional._do_request("post", "Patient", data=patient(system, "cond-1"), returning_status=True)
    assert status2 == 200, "a matching If-None-Exist must not create a second resource"
    if second:  # 200 may carry the existing resource
        assert second["id"] == first["id"]
    matches = client.resources("Patient").search(identifier=f"{system}|cond-1").fetch()
    assert [r.id for r in matches] == [first["id"]]

    # Two matches: 412 Precondition Failed, which fhirpy raises as MultipleResourcesFound.
    client.resource("Patient", **patient(system, "cond-1")).save()
    with pytest.raises(MultipleResourcesFound):
        conditional._do_request("post", "Patient", data=patient(system, "cond-1"))
    assert len(client.resources("Patient").search(identifier=f"{system}|cond-1").fetch()) == 2
