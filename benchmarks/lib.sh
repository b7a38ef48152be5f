# Sourced by the benchmark scripts, from the repository root, after they set DURATION and CONNECTIONS: makes a
# scratch folder ($WORK, removed on exit with every process listed in PIDS), checks for wrk, builds the release
# binaries ($BIN/dossier, $BIN/BenchCeiling; SCRATCH=.build-release keeps them apart from debug objects; CONFIG=debug
# for a smoke run), prints the machine, and defines wait_http and run_wrk.

WORK=$(mktemp -d /tmp/dossier-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
SCRATCH=${SCRATCH:-.build}
# CONFIG=debug: a quick check that a script works (its figures mean nothing); figures come from release builds.
CONFIG=${CONFIG:-release}
swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product dossier >&2
swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product BenchCeiling >&2
BIN=$(swift build -c "$CONFIG" --scratch-path "$SCRATCH" --show-bin-path)

echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm), $(date -u +%Y-%m-%dT%H:%MZ)"

# wait_http URL: waits up to 60 s for a 2xx answer.
wait_http() { for _ in $(seq 1 600); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; return 1; }

# run_wrk NAME URL [SCRIPT] [CONNECTIONS]: prints NAME.rps, NAME.p50, NAME.p99; fails on non-2xx answers and
# when wrk completed no request at all (a hung server must not read as a figure).
run_wrk() {
  local name=$1 url=$2 script=${3:-} c=${4:-$CONNECTIONS}
  local t=2; [ "$c" -lt 2 ] && t=1
  local args=(-t"$t" -c"$c" -d"$DURATION" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  local out; out=$(wrk "${args[@]}" "$url")
  echo "$out" | grep -qE "Non-2xx or 3xx responses" && { echo "$out" >&2; echo "$name: non-2xx responses" >&2; exit 1; }
  echo "$out" | grep -qE "^ +0 requests in" && { echo "$out" >&2; echo "$name: no request completed" >&2; exit 1; }
  echo "$name.rps $(echo "$out" | awk '/Requests\/sec/{print $2}') req/s"
  echo "$name.p50 $(echo "$out" | awk '$1=="50%"{print $2}')"
  echo "$name.p99 $(echo "$out" | awk '$1=="99%"{print $2}')"
}

# run_ceiling: the machine's ceiling in this run, a bare Hummingbird endpoint under the same load (ceiling.http.*).
run_ceiling() {
  "$BIN/BenchCeiling" http --port 18081 >/dev/null 2>&1 & PIDS+=($!)
  wait_http http://127.0.0.1:18081/
  run_wrk ceiling.http http://127.0.0.1:18081/
  kill "${PIDS[-1]}"; unset 'PIDS[-1]'
}

# use_data SOURCE: DATA is SOURCE when it is an imported data folder, else a fresh folder SOURCE is imported into.
use_data() {
  if [ -f "$1/dossier.sqlite" ]; then DATA=$1; else
    DATA=$WORK/data
    "$BIN/dossier" import "$1" --data-dir "$DATA" --quiet 2>&1 | tail -1
  fi
}

# serve [flags...]: starts `dossier serve` on $DATA at port 18080 and waits for it; stop: stops the last one started.
serve() {
  "$BIN/dossier" serve --port 18080 --data-dir "$DATA" "$@" >>"$WORK/serve.log" 2>&1 & PIDS+=($!)
  wait_http http://127.0.0.1:18080/health
}
stop() { kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'; }

# run_fsync_ceiling: durable single-row SQLite commits per second on this disk (ceiling.sqlite_single_row_commit):
# its inverse is the least latency a durable append (an audit record before a response) adds.
run_fsync_ceiling() {
  mkdir -p "$WORK/ceiling-sqlite"
  "$BIN/BenchCeiling" sqlite --dir "$WORK/ceiling-sqlite" --seconds 2 --rows 20000 | sed -n 's/^sqlite_single_row_commit/ceiling.sqlite_single_row_commit/p'
}
