#!/usr/bin/env bash
# Builds (with tests) and runs every benchmark under tests/bench/, printing figures.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${KTX_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh" --tests >/dev/null
for bench in "$build_dir"/tests/bench/bench_*; do
    [ -x "$bench" ] || continue
    echo "== $(basename "$bench")"
    "$bench" "$@"
done
