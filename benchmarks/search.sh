#!/usr/bin/env bash
# Search benchmark (issue 4): patient-scoped searches, a population query, a chained query, _revinclude and
# Patient/$everything, each p50/p99 and req/s under wrk, beside the machine's ceiling (a bare Hummingbird endpoint
# under the same load) — and the SQLite query plans used.
#
#   benchmarks/search.sh [SOURCE]     SOURCE: bundles to import (default data/synthea), or an already imported
#                                     data folder (a directory holding dossier.sqlite) to serve as it is.
#   e.g. benchmarks/rekey.py --copies 100 --out /tmp/synthea-100x && benchmarks/search.sh /tmp/synthea-100x
#
# Needs wrk. Prints `name value unit` lines; copy the figures to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SOURCE=${1:-data/synthea}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
. benchmarks/lib.sh

run_ceiling

if [ -f "$SOURCE/dossier.sqlite" ]; then
  DATA=$SOURCE
else
  DATA=$WORK/data
  "$BIN/dossier" import "$SOURCE" --data-dir "$DATA" --quiet 2>&1 | tail -2
fi
DB=$DATA/dossier.sqlite
echo "resources $(sqlite3 "$DB" 'SELECT count(*) FROM resource WHERE deleted = 0' 2>/dev/null || python3 -c "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM resource WHERE deleted=0').fetchone()[0])" "$DB")"

"$BIN/dossier" serve --port 18080 --data-dir "$DATA" >"$WORK/serve.log" 2>&1 & PIDS+=($!)
wait_http http://127.0.0.1:18080/health

# Request paths, from the data itself: 2,000 random patients and their own codes.
python3 benchmarks/search_paths.py "$DB" "$WORK"
for q in patient-observation patient-document population chain revinclude everything everything-all; do
  PATHS_FILE="$WORK/$q.txt" run_wrk "$q" http://127.0.0.1:18080 benchmarks/wrk/paths.lua
done
# One request at a time: the latency of a request on its own, without queueing behind the others.
for q in patient-observation patient-document everything; do
  PATHS_FILE="$WORK/$q.txt" run_wrk "$q.c1" http://127.0.0.1:18080 benchmarks/wrk/paths.lua 1
done
echo "rss.server $(ps -o rss= -p "${PIDS[-1]}") KiB"
