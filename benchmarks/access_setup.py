#!/usr/bin/env python3
"""Set-up of benchmarks/access.sh and summary.sh, through the FHIR API with the rules on: picks the patient with the
most Observations among a sample (PICK=median: the median one, a typical patient), creates a doctor (Practitioner +
PractitionerRole at a new Organization), has the patient authorise them (a Consent created with the patient's own
token), and writes the request paths (read by id of the patient's Observations; patient-scoped Observation searches
by their codes; the patient's `$summary`) and the two tokens."""

import json
import os
import subprocess
import sys
import urllib.request
from urllib.parse import quote

base, admin, out, binary, data = sys.argv[1:6]


def call(method, path, token, body=None):
    request = urllib.request.Request(f"{base}/{path}", method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"{}")


def token(*args):
    return subprocess.run([binary, "token", *args, "--data-dir", data], check=True, capture_output=True, text=True).stdout.strip()


patients = [e["resource"]["id"] for e in call("GET", "Patient?_count=20&_elements=id", admin)["entry"]]
counts = {p: call("GET", f"Observation?patient=Patient/{p}&_summary=count", admin)["total"] for p in patients}
if os.environ.get("PICK") == "median":
    patient = sorted(patients, key=lambda p: counts[p])[len(patients) // 2]
else:
    patient = max(counts, key=counts.get)
call("PUT", "Organization/bench-hospital", admin, {"resourceType": "Organization", "id": "bench-hospital", "name": "Bench"})
call("PUT", "Practitioner/bench-doctor", admin, {"resourceType": "Practitioner", "id": "bench-doctor", "name": [{"family": "Bench"}]})
call("PUT", "PractitionerRole/bench-doctor-role", admin, {
    "resourceType": "PractitionerRole", "id": "bench-doctor-role", "active": True,
    "practitioner": {"reference": "Practitioner/bench-doctor"}, "organization": {"reference": "Organization/bench-hospital"},
    "code": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/practitioner-role", "code": "doctor"}]}]})
patient_token = token("--user", f"Patient/{patient}")
call("POST", "Consent", patient_token, {
    "resourceType": "Consent", "status": "active",
    "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]},
    "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
    "patient": {"reference": f"Patient/{patient}"}, "dateTime": "2026-11-22",
    "provision": {"type": "permit", "actor": [{
        "role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "PRCP"}]},
        "reference": {"reference": "Practitioner/bench-doctor"}}]}})
doctor_token = token("--user", "Practitioner/bench-doctor", "--role", "PractitionerRole/bench-doctor-role")

observations = call("GET", f"Observation?patient=Patient/{patient}&_count=1000&_elements=id,code", admin).get("entry", [])
reads = [f"/fhir/Observation/{e['resource']['id']}" for e in observations]
codes = sorted({(c.get("system", ""), c["code"]) for e in observations for c in e["resource"].get("code", {}).get("coding", [])})
searches = [f"/fhir/Observation?patient=Patient/{patient}&code={quote(f'{s}|{c}', safe='')}" for s, c in codes]
for name, lines in [("read", reads), ("search", searches), ("summary", [f"/fhir/Patient/{patient}/$summary"])]:
    with open(f"{out}/{name}.txt", "w") as f:
        f.write("\n".join(lines) + "\n")
for name, value in [("patient", patient_token), ("doctor", doctor_token)]:
    with open(f"{out}/{name}.token", "w") as f:
        f.write(value)
print(f"# patient {patient}: {counts[patient]} observations, {len(reads)} read paths, {len(searches)} search paths")
