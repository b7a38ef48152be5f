"""IHE MHD documents through the real server: a 200 MB document goes up and comes back in bounded memory.

The server streams a raw `POST Binary` body to its content store (hashing it on the way) and streams it back from
disk; neither direction may hold the document in memory. The test measures the server process's peak resident
set (`VmHWM` in /proc/PID/status) before and after, and requires the growth to stay well below the document size.
"""

from __future__ import annotations

import hashlib
import os
import time

import pytest

DOCUMENT_MB = 200
CHUNK = 1 << 20
#: The most the server's peak RSS may grow while a 200 MB document goes up and down.
MAX_GROWTH_MB = 120


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/PID/status")


def document_chunks(digest):
    """200 MiB of incompressible bytes, 1 MiB at a time, fed to ``digest`` as they are produced."""
    block = os.urandom(CHUNK)
    for i in range(DOCUMENT_MB):
        chunk = i.to_bytes(8, "big") + block[8:]
        digest.update(chunk)
        yield chunk


@pytest.fixture(scope="module")
def documents_server(server_factory):
    return server_factory("documents")


def test_200mb_document_round_trip_in_bounded_memory(documents_server, http):
    base = documents_server.base
    pid = documents_server.process.pid
    # Warm the server up (first requests allocate caches), then take the baseline.
    assert http.get(f"{base}/metadata").status_code == 200
    before = peak_rss_mb(pid)
    started = time.monotonic()

    sent = hashlib.sha256()
    up = http.post(f"{base}/Binary", data=document_chunks(sent), headers={"Content-Type": "application/pdf"}, timeout=120)
    assert up.status_code == 201, up.text
    binary_id = up.json()["id"]
    uploaded = time.monotonic()

    received = hashlib.sha256()
    size = 0
    with http.get(f"{base}/Binary/{binary_id}", headers={"Accept": "application/pdf"}, stream=True, timeout=120) as down:
        assert down.status_code == 200
        assert down.headers["Content-Type"] == "application/pdf"
        assert down.headers["Accept-Ranges"] == "bytes"
        assert int(down.headers["Content-Length"]) == DOCUMENT_MB * CHUNK
        assert down.headers["ETag"] == f'"{sent.hexdigest()}"'
        for piece in down.iter_content(CHUNK):
            received.update(piece)
            size += len(piece)
    downloaded = time.monotonic()

    assert size == DOCUMENT_MB * CHUNK
    assert received.hexdigest() == sent.hexdigest()

    # A range of the same document.
    tail = http.get(f"{base}/Binary/{binary_id}", headers={"Range": "bytes=-16"})
    assert tail.status_code == 206
    assert tail.headers["Content-Range"] == f"bytes {DOCUMENT_MB * CHUNK - 16}-{DOCUMENT_MB * CHUNK - 1}/{DOCUMENT_MB * CHUNK}"
    assert len(tail.content) == 16

    growth = peak_rss_mb(pid) - before
    print(f"\n200 MiB up {uploaded - started:.1f}s, down {downloaded - uploaded:.1f}s; peak RSS {before:.0f} MiB -> +{growth:.0f} MiB")
    assert growth < MAX_GROWTH_MB, f"the server's peak RSS grew by {growth:.0f} MiB for a {DOCUMENT_MB} MiB document"

    # FHIR JSON of a document this large is refused with a pointer to the raw bytes, not built in memory.
    as_json = http.get(f"{base}/Binary/{binary_id}", headers={"Accept": "application/fhir+json"})
    assert as_json.status_code == 406
    assert "raw content" in as_json.text


def test_provide_document_bundle_then_find_and_retrieve(documents_server, http):
    """ITI-65, ITI-67 and ITI-68 with a real HTTP client."""
    import base64

    base = documents_server.base
    patient = http.post(f"{base}/Patient", json={"resourceType": "Patient", "name": [{"family": "Mhd"}]},
                        headers={"Content-Type": "application/fhir+json"}).json()["id"]
    content = b"%PDF-1.7\n" + os.urandom(5000)
    sha1 = base64.b64encode(hashlib.sha1(content).digest()).decode()
    doc, binary = "urn:uuid:8a5e1b0e-6a77-4a8f-9d7c-0f7c1e2d3b4a", "urn:uuid:2f0c9a1e-5b6d-4c3e-8f7a-1b2c3d4e5f60"
    bundle = {
        "resourceType": "Bundle", "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:5d6e7f80-1a2b-4c3d-9e8f-7a6b5c4d3e2f",
             "resource": {"resourceType": "List", "status": "current", "mode": "working",
                          "code": {"coding": [{"system": "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes", "code": "submissionset"}]},
                          "subject": {"reference": f"Patient/{patient}"}, "entry": [{"item": {"reference": doc}}]},
             "request": {"method": "POST", "url": "List"}},
            {"fullUrl": doc,
             "resource": {"resourceType": "DocumentReference", "status": "current",
                          "type": {"coding": [{"system": "http://loinc.org", "code": "11490-0"}]},
                          "category": [{"coding": [{"system": "https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument", "code": "10"}]}],
                          "subject": {"reference": f"Patient/{patient}"},
                          "content": [{"attachment": {"contentType": "application/pdf", "url": binary, "hash": sha1, "size": len(content)}}]},
             "request": {"method": "POST", "url": "DocumentReference"}},
            {"fullUrl": binary,
             "resource": {"resourceType": "Binary", "contentType": "application/pdf", "data": base64.b64encode(content).decode()},
             "request": {"method": "POST", "url": "Binary"}},
        ],
    }
    r = http.post(base, json=bundle, headers={"Content-Type": "application/fhir+json"})
    assert r.status_code == 200, r.text
    found = http.get(f"{base}/DocumentReference", params={"patient": patient, "type": "http://loinc.org|11490-0", "status": "current"}).json()
    docs = [e["resource"] for e in found.get("entry", []) if e["search"]["mode"] == "match"]
    assert len(docs) == 1
    url = docs[0]["content"][0]["attachment"]["url"]
    assert url.startswith("Binary/")
    retrieved = http.get(f"{base}/{url}", headers={"Accept": "application/pdf"})
    assert retrieved.status_code == 200
    assert retrieved.content == content
    assert retrieved.headers["Content-Type"] == "application/pdf"
