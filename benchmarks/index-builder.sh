#!/usr/bin/env bash
# IndexBuilder throughput on one core over the Synthea bundles in data/synthea.
# It must stay >= 20,000 resources/s so that import with indexing stays >= 5,000 resources/s on 2 cores.
#
#   benchmarks/index-builder.sh        # the first 40 bundles
#   benchmarks/index-builder.sh 123    # all of them
#
# Builds the Search target in release, then compiles benchmarks/index-builder/main.swift against its objects (no
# benchmark target in Package.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --target Search >/dev/null
BIN=$(swift build -c release --show-bin-path)
OUT=$(mktemp -d)
objects=()
for module in FHIRCore FHIRPath Store Search; do
    for o in "$BIN/$module.build"/*.o; do objects+=("$o"); done
done
swiftc -O -module-name IndexBuilderBench -I "$BIN/Modules" -I "$BIN" benchmarks/index-builder/main.swift "${objects[@]}" \
    -o "$OUT/index-builder"
"$OUT/index-builder" data/synthea "${1:-40}"
rm -rf "$OUT"
