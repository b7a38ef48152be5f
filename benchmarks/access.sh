#!/usr/bin/env bash
# Access-rules overhead benchmark (issue 5): read-by-id and patient-scoped search with the shared-record rules and
# the audit trail on, against the same requests on the same data with both off (`serve --no-auth --no-audit`) and
# with the audit trail alone (`serve --no-auth`), beside the machine's ceiling (a bare Hummingbird endpoint under
# the same load) and the latency of one durable commit (fsync) on the data folder's disk. Target: overhead < 15%.
#
#   benchmarks/access.sh [SOURCE]     SOURCE: bundles to import (default data/synthea) or an imported data folder.
#
# With the rules on, the requests are made as the patient (their own record) and as a doctor the patient authorised
# (a Consent), each with a token from `dossier token`. Needs wrk, curl, python3. Prints `name value unit` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE=${1:-data/synthea}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
. benchmarks/lib.sh

run_ceiling
run_fsync_ceiling

use_data "$SOURCE"
BASE=http://127.0.0.1:18080/fhir

# Set-up with the rules on: a doctor at a new organisation, authorised by one patient; the request paths.
serve
ADMIN=$("$BIN/dossier" token --admin --data-dir "$DATA")
python3 benchmarks/access_setup.py "$BASE" "$ADMIN" "$WORK" "$BIN/dossier" "$DATA"
stop

measure() {  # measure LABEL: read-by-id and patient-scoped search, c16 and c1
  local label=$1
  PATHS_FILE="$WORK/read.txt" run_wrk "$label.read" http://127.0.0.1:18080 benchmarks/wrk/paths.lua
  PATHS_FILE="$WORK/search.txt" run_wrk "$label.search" http://127.0.0.1:18080 benchmarks/wrk/paths.lua
  PATHS_FILE="$WORK/read.txt" run_wrk "$label.read.c1" http://127.0.0.1:18080 benchmarks/wrk/paths.lua 1
  PATHS_FILE="$WORK/search.txt" run_wrk "$label.search.c1" http://127.0.0.1:18080 benchmarks/wrk/paths.lua 1
}

# Off: no rules and no audit trail. Audit only: the trail without the rules, to show what each costs.
serve --no-auth --no-audit
export WRK_AUTHORIZATION=""; measure off
stop
serve --no-auth
measure audit
stop

serve
export WRK_AUTHORIZATION="Bearer $(cat "$WORK/patient.token")"; measure patient
export WRK_AUTHORIZATION="Bearer $(cat "$WORK/doctor.token")"; measure doctor
echo "rss.server $(ps -o rss= -p "${PIDS[-1]}") KiB"
stop
