#!/usr/bin/env bash
# Dossier's first benchmark: import, read by id, durable create and a 50-entry transaction, each next to the
# machine's ceiling measured in the same run (a bare Hummingbird endpoint under the same wrk load; raw SQLite).
#
#   benchmarks/run.sh [DATA_DIR]        (default: data/synthea, shipped with the repo)
#
# The server runs with the access rules and the audit trail off (`--no-auth --no-audit`): these are the figures of
# the record server itself (issue #3); benchmarks/access.sh measures what the rules and the audit trail add.
# Needs wrk (apt-get install wrk). Prints `name value unit` lines and a summary; copy the figures to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-data/synthea}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
. benchmarks/lib.sh

# 1. The ceiling.
"$BIN/BenchCeiling" http --port 18081 >/dev/null 2>&1 & PIDS+=($!)
wait_http http://127.0.0.1:18081/
run_wrk ceiling.http http://127.0.0.1:18081/
kill "${PIDS[-1]}"; unset 'PIDS[-1]'
"$BIN/BenchCeiling" sqlite --dir "$WORK/ceiling"

# 2. Import (in process, into a fresh data folder).
"$BIN/dossier" import "$DATA" --data-dir "$WORK/data" --quiet 2>&1 | tee "$WORK/import.txt" | tail -3
RPS=$(grep -oE '[0-9.]+ resources/s' "$WORK/import.txt" | tail -1 | awk '{print $1}')
echo "import.rps ${RPS:-?} resources/s"

# 3. The server over the imported data.
"$BIN/dossier" serve --port 18080 --data-dir "$WORK/data" --no-auth --no-audit >"$WORK/serve.log" 2>&1 & PIDS+=($!)
wait_http http://127.0.0.1:18080/health
python3 - "$WORK" <<'PY'
import sqlite3, sys
# The store's file (the data folder also holds the audit trail and the subscriptions' delivery log).
db = sys.argv[1] + "/data/dossier.sqlite"
rows = sqlite3.connect(db).execute("SELECT type || '/' || id FROM resource WHERE deleted = 0 ORDER BY random() LIMIT 20000").fetchall()
open(sys.argv[1] + "/ids.txt", "w").write("\n".join(r[0] for r in rows) + "\n")
PY
IDS_FILE="$WORK/ids.txt" run_wrk read http://127.0.0.1:18080 benchmarks/wrk/read.lua
IDS_FILE="$WORK/ids.txt" run_wrk read.c1 http://127.0.0.1:18080 benchmarks/wrk/read.lua 1
run_wrk create http://127.0.0.1:18080/fhir/Patient benchmarks/wrk/create.lua
run_wrk create.c1 http://127.0.0.1:18080/fhir/Patient benchmarks/wrk/create.lua 1
run_wrk transaction50 http://127.0.0.1:18080/fhir benchmarks/wrk/transaction50.lua 8
echo "rss.server $(ps -o rss= -p "${PIDS[-1]}") KiB"
