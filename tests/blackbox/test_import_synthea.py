"""`dossier import` loads all of the shipped Synthea data (92,114 resources in 122 bz2 bundles), and what it loaded
matches counts computed independently here, straight from the bundles; conditional and urn:uuid references come
out resolved. Also `--server` mode against a running server."""

from __future__ import annotations

import bz2
import collections
import json
import re
import subprocess
from pathlib import Path

import pytest

from dossier_server import DossierServer, TimeoutSession, dossier_binary

ROOT = Path(__file__).resolve().parents[2]
SYNTHEA = ROOT / "data" / "synthea"


def bundle_counts(files: list[Path]) -> collections.Counter:
    """Resource counts per type, read from the bundles with Python's own bz2 and json (independent of Dossier)."""
    counts: collections.Counter = collections.Counter()
    for f in files:
        with bz2.open(f) as fh:
            for entry in json.load(fh)["entry"]:
                counts[entry["resource"]["resourceType"]] += 1
    return counts


def run_import(args: list[str], timeout: float = 900) -> str:
    done = subprocess.run([str(dossier_binary()), "import", *args], capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    return output


def total(http, base: str, type_: str) -> int:
    r = http.get(f"{base}/{type_}", params={"_count": "0"})
    assert r.status_code == 200, r.text[:500]
    return r.json()["total"]


@pytest.fixture(scope="module")
def imported(synthea_import):
    return synthea_import


def test_import_loads_every_resource_of_every_bundle(imported):
    output, _ = imported
    files = sorted(SYNTHEA.glob("*.json.bz2"))
    expected = sum(bundle_counts(files).values())
    assert expected == 92114
    assert re.search(rf"Imported {expected} resources from {len(files)} of {len(files)} files", output), output[-2000:]
    assert re.search(r"; 0 failed", output), output[-2000:]


def test_imported_counts_per_type_match_the_bundles(imported):
    _, server = imported
    counts = bundle_counts(sorted(SYNTHEA.glob("*.json.bz2")))
    with TimeoutSession() as http:
        for type_ in ["Patient", "Organization", "Practitioner", "PractitionerRole", "Encounter", "Observation",
                      "Condition", "Claim", "ExplanationOfBenefit", "DocumentReference", "MedicationRequest"]:
            assert total(http, server.base, type_) == counts[type_], type_


def test_imported_references_are_resolved(imported):
    _, server = imported
    with TimeoutSession() as http:
        encounters = http.get(f"{server.base}/Encounter", params={"_count": "20"}).json()["entry"]
        for entry in encounters:
            enc = entry["resource"]
            subject = enc["subject"]["reference"]
            assert re.fullmatch(r"Patient/[0-9a-f-]{36}", subject), subject
            assert http.get(f"{server.base}/{subject}").status_code == 200
            # Conditional references (Practitioner?identifier=...) were replaced by the practitioner's id.
            for participant in enc.get("participant", []):
                ref = participant["individual"]["reference"]
                assert "?" not in ref and not ref.startswith("urn:"), ref
                assert http.get(f"{server.base}/{ref}").status_code == 200, ref
            provider = enc["serviceProvider"]["reference"]
            assert "?" not in provider and http.get(f"{server.base}/{provider}").status_code == 200


def test_import_into_a_running_server(server_factory):
    srv = server_factory("import-remote")
    files = sorted(SYNTHEA.glob("0-*.json.bz2")) + sorted(SYNTHEA.glob("0[0-9a-f]*-*.json.bz2"))[:1]
    counts = bundle_counts(files)
    output = run_import([str(f) for f in files] + ["--server", srv.base, "--token", srv.token("--admin"), "--quiet"], timeout=600)
    assert re.search(rf"Imported {sum(counts.values())} resources", output), output[-2000:]
    with TimeoutSession() as http:
        assert total(http, srv.base, "Patient") == counts["Patient"] == 1
        assert total(http, srv.base, "Observation") == counts["Observation"]
