# Shared helpers of the benchmark scripts (sourced): wait for an HTTP endpoint, run wrk and print its figures.
# Expects DURATION and CONNECTIONS to be set by the caller.

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
