#!/usr/bin/env bash
# Document throughput benchmark (issue 6): a raw document upload (`POST Binary`, streamed to the content store:
# SHA-256 + SHA-1, write, fsync, rename) and its download (ITI-68, streamed from disk), in MB/s, beside the raw
# disk throughput measured in the same run on the same folder: `dd` writing the same size with `conv=fsync`, and
# reading it back (from the page cache, as the server's download does right after the upload; and with
# iflag=direct, from the disk itself, when the filesystem allows O_DIRECT).
#
#   benchmarks/documents.sh            SIZE_MB (default 256) sets the document size; ROUNDS (default 3) the repeats.
#   BIN=.build/debug benchmarks/documents.sh    uses already built binaries instead of building release ones.
#
# The server runs as `dossier serve` does by default (access rules and audit trail on; the operator's token).
# Needs curl, dd, python3. Prints `name value unit` lines; the figures are the best of the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-256}
ROUNDS=${ROUNDS:-3}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dossier-bench-docs.XXXXXX")
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

if [ -z "${BIN:-}" ]; then
  SCRATCH=${SCRATCH:-.build}
  swift build -c release --scratch-path "$SCRATCH" --product dossier >&2
  BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
fi
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# binary: $BIN/dossier; document: $SIZE_MB MiB; best of $ROUNDS rounds; folder: $WORK ($(df -T "$WORK" | awk 'NR==2{print $2}'))"

now() { date +%s.%N; }
rate() { python3 -c "import sys; print(f'{$SIZE_MB / ($2 - $1):.1f}')" "$1" "$2"; }  # rate START END -> MiB/s
best() { sort -g | tail -1; }

# The machine's ceiling in this run: dd on the same folder, same size.
w=(); r=(); d=()
for _ in $(seq "$ROUNDS"); do
  t0=$(now); dd if=/dev/zero of="$WORK/dd.bin" bs=1M count="$SIZE_MB" conv=fsync status=none; t1=$(now); w+=("$(rate "$t0" "$t1")")
  t0=$(now); dd if="$WORK/dd.bin" of=/dev/null bs=1M status=none; t1=$(now); r+=("$(rate "$t0" "$t1")")
  if dd if="$WORK/dd.bin" of=/dev/null bs=1M count=1 iflag=direct status=none 2>/dev/null; then
    t0=$(now); dd if="$WORK/dd.bin" of=/dev/null bs=1M iflag=direct status=none; t1=$(now); d+=("$(rate "$t0" "$t1")")
  fi
  rm -f "$WORK/dd.bin"
done
echo "disk.write_fsync $(printf '%s\n' "${w[@]}" | best) MiB/s"
echo "disk.read_cached $(printf '%s\n' "${r[@]}" | best) MiB/s"
[ ${#d[@]} -gt 0 ] && echo "disk.read_direct $(printf '%s\n' "${d[@]}" | best) MiB/s"

# The document: incompressible bytes, generated once.
head -c $((SIZE_MB * 1048576)) /dev/urandom > "$WORK/document.pdf"

DATA=$WORK/data
"$BIN/dossier" serve --port 18090 --data-dir "$DATA" --max-document-bytes $((SIZE_MB * 1048576 * 2)) >>"$WORK/serve.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 600); do curl -fsS http://127.0.0.1:18090/health >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$("$BIN/dossier" token --admin --data-dir "$DATA")
BASE=http://127.0.0.1:18090/fhir

u=(); g=()
for i in $(seq "$ROUNDS"); do
  # A different document each round (its first bytes change), so that deduplication does not skip the write.
  printf '%08d' "$i" | dd of="$WORK/document.pdf" bs=1 count=8 conv=notrunc status=none
  out=$(curl -sS -o "$WORK/created.json" -w '%{http_code} %{time_total}' -X POST "$BASE/Binary" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/pdf' --data-binary @"$WORK/document.pdf")
  [ "${out%% *}" = 201 ] || { echo "upload failed: $out $(cat "$WORK/created.json")" >&2; exit 1; }
  u+=("$(python3 -c "print(f'{$SIZE_MB / ${out#* }:.1f}')")")
  id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$WORK/created.json")
  out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total} %{size_download}' "$BASE/Binary/$id" \
    -H "Authorization: Bearer $TOKEN" -H 'Accept: application/pdf')
  read -r code secs bytes <<<"$out"
  [ "$code" = 200 ] && [ "$bytes" = $((SIZE_MB * 1048576)) ] || { echo "download failed: $out" >&2; exit 1; }
  g+=("$(python3 -c "print(f'{$SIZE_MB / $secs:.1f}')")")
done
echo "documents.upload $(printf '%s\n' "${u[@]}" | best) MiB/s"
echo "documents.download $(printf '%s\n' "${g[@]}" | best) MiB/s"
echo "rss.server_peak $(awk '/VmHWM/{print $2}' "/proc/${PIDS[-1]}/status") KiB"
