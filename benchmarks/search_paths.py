#!/usr/bin/env python3
"""Writes the request paths of benchmarks/search.sh, one file per query kind, chosen from the imported data:
random patients, and codes those patients really have (so every request matches something)."""

import random
import sqlite3
import sys
from urllib.parse import quote

db, out = sys.argv[1], sys.argv[2]
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
random.seed(42)
patients = [r[0] for r in con.execute("SELECT id FROM resource WHERE type = 'Patient' AND deleted = 0")]
sample = random.sample(patients, min(2000, len(patients)))


def codes(patient: str, type_: str, param: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT system, code FROM token_index WHERE patient_key = ? AND type = ? AND param = ? LIMIT 20",
        (patient, type_, param)).fetchall()


def token(system: str, code: str) -> str:
    return quote(f"{system}|{code}" if system else code, safe="")


files = {k: [] for k in ["patient-observation", "patient-document", "population", "chain", "revinclude",
                         "everything", "everything-all"]}
for p in sample:
    obs = codes(p, "Observation", "code")
    if obs:
        s, c = random.choice(obs)
        files["patient-observation"].append(f"/fhir/Observation?patient={p}&code={token(s, c)}")
        files["chain"].append(f"/fhir/Observation?code={token(s, c)}&subject:Patient._id={p}")
    docs = codes(p, "DocumentReference", "type")
    if docs:
        s, c = random.choice(docs)
        files["patient-document"].append(f"/fhir/DocumentReference?patient={p}&type={token(s, c)}")
    files["revinclude"].append(f"/fhir/Patient?_id={p}&_revinclude=Encounter:patient")
    files["everything"].append(f"/fhir/Patient/{p}/$everything")
    files["everything-all"].append(f"/fhir/Patient/{p}/$everything?_count=1000")
for code in ["4548-4", "8302-2", "29463-7", "2339-0", "72514-3"]:
    files["population"].append(f"/fhir/Observation?code={quote('http://loinc.org|' + code, safe='')}&date=ge2015")
for name, paths in files.items():
    with open(f"{out}/{name}.txt", "w") as fh:
        fh.write("\n".join(paths) + "\n")
    print(f"# {name}: {len(paths)} paths, e.g. {paths[0] if paths else '-'}", file=sys.stderr)
