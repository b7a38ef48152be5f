#!/usr/bin/env bash
# IndexBuilder throughput: index entries of every resource of the Synthea bundles in data/synthea, on one core,
# in a release build. Prints "IndexBuilderThroughput: N resources, M entries in S s: R resources/s".
# The figure must stay >= 20,000 resources/s so that import with indexing stays >= 5,000 resources/s on 2 cores.
#   benchmarks/index-builder.sh            # the first 20 bundles
#   DOSSIER_BENCH_FILES=200 benchmarks/index-builder.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DOSSIER_BENCH=1 swift test -c release --filter IndexBuilderThroughput 2>&1 | grep -E "IndexBuilderThroughput:|error|failed"
