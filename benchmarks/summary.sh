#!/usr/bin/env bash
# Patient summary benchmark (issue 6): `GET Patient/ID/$summary` (IPS document Bundle) for a typical Synthea patient
# (the median number of Observations among a sample), with the rules and the audit trail off (`serve --no-auth
# --no-audit`) and on (as the patient, and as a doctor the patient authorised), at 16 connections and at 1, beside
# the machine's ceiling (a bare Hummingbird endpoint under the same load). Target: p50 < 20 ms.
#
#   benchmarks/summary.sh [SOURCE]     SOURCE: bundles to import (default data/synthea) or an imported data folder.
#
# Needs wrk, curl, python3. Prints `name value unit` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE=${1:-data/synthea}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
. benchmarks/lib.sh

run_ceiling
use_data "$SOURCE"

# Set-up with the rules on: a typical patient, a doctor they authorised, the request path and both tokens.
serve
ADMIN=$("$BIN/dossier" token --admin --data-dir "$DATA")
PICK=median python3 benchmarks/access_setup.py http://127.0.0.1:18080/fhir "$ADMIN" "$WORK" "$BIN/dossier" "$DATA"
curl -fsS -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:18080$(cat "$WORK/summary.txt")" -o "$WORK/summary.json"
echo "# summary: $(wc -c <"$WORK/summary.json") bytes, $(grep -o '"fullUrl"' "$WORK/summary.json" | wc -l) entries"
stop

measure() {  # measure LABEL: the summary at $CONNECTIONS connections and at 1
  PATHS_FILE="$WORK/summary.txt" run_wrk "$1.summary" http://127.0.0.1:18080 benchmarks/wrk/paths.lua
  PATHS_FILE="$WORK/summary.txt" run_wrk "$1.summary.c1" http://127.0.0.1:18080 benchmarks/wrk/paths.lua 1
}

serve --no-auth --no-audit
export WRK_AUTHORIZATION=""; measure off
stop

serve
export WRK_AUTHORIZATION="Bearer $(cat "$WORK/patient.token")"; measure patient
export WRK_AUTHORIZATION="Bearer $(cat "$WORK/doctor.token")"; measure doctor
echo "rss.server $(ps -o rss= -p "${PIDS[-1]}") KiB"
stop
