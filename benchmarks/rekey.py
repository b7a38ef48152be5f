#!/usr/bin/env python3
"""Makes an N-times larger copy of data/synthea for the search benchmarks: every patient bundle is written N times
with new, deterministic identities (fullUrl uuids, resource ids, the patient's identifiers and names' family
suffix), while references to the shared practitioners and organisations stay as they are (a national record has
many patients and one directory of professionals). The hospital and practitioner bundles are copied once.

    benchmarks/rekey.py --copies 100 --out /tmp/synthea-100x    # ~9.2 million resources

Copy 0 is the original data unchanged, so queries known to match in data/synthea still match.
"""

from __future__ import annotations

import argparse
import bz2
import json
import re
import sys
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NAMESPACE = uuid.UUID("6f1d3c1e-6a43-4d59-9d0e-0c9a3b0e5d21")


def rekey_text(text: str, copy: int) -> str:
    """Replaces every uuid of a patient bundle by one derived from it and the copy number (ids, fullUrls,
    urn:uuid references and the Synthea identifier all use them)."""
    if copy == 0:
        return text
    return UUID.sub(lambda m: str(uuid.uuid5(NAMESPACE, f"{copy}:{m.group(0)}")), text)


def write_copy(args: tuple[Path, Path, int]) -> int:
    source, out, copy = args
    with bz2.open(source, "rt") as fh:
        text = fh.read()
    text = rekey_text(text, copy)
    bundle = json.loads(text)
    if copy:
        for entry in bundle["entry"]:
            r = entry["resource"]
            if r["resourceType"] == "Patient":
                # Other national identifiers (SSN, passport, ...) must stay unique too.
                for ident in r.get("identifier", []):
                    if "value" in ident and not UUID.fullmatch(ident["value"]):
                        ident["value"] = f"{ident['value']}-{copy}"
    target = out / f"{copy:03d}-{source.name}"
    with bz2.open(target, "wt", compresslevel=1) as fh:
        json.dump(bundle, fh, separators=(",", ":"))
    return len(bundle["entry"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--source", type=Path, default=ROOT / "data" / "synthea")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    files = sorted(args.source.glob("*.json.bz2"))
    shared = [f for f in files if f.name.startswith("0-")]
    patients = [f for f in files if not f.name.startswith("0-")]
    for f in shared:
        (args.out / f.name).write_bytes(f.read_bytes())
    work = [(f, args.out, c) for c in range(args.copies) for f in patients]
    total = 0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for i, n in enumerate(pool.map(write_copy, work, chunksize=8), 1):
            total += n
            if i % 500 == 0:
                print(f"{i}/{len(work)} bundles, {total} resources", file=sys.stderr)
    print(f"{len(work)} patient bundles ({total} resources) and {len(shared)} shared bundles in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
