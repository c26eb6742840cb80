#!/usr/bin/env bash
# Quick start: set up, build, and run the whole test suite through CTest; then the
# unit tests once more under AddressSanitizer and UBSan.
#
# Environment: KTX_TEST_SANITIZERS=0 skips the sanitizer pass.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${KTX_BUILD_DIR:-$root/build}
jobs=${KTX_JOBS:-2}

"$root/scripts/setup.sh" --tests
echo "==> Running the test suite"
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs"

if [ "${KTX_TEST_SANITIZERS:-1}" != 0 ]; then
    echo "==> Unit tests under ASan/UBSan"
    KTX_BUILD_DIR="$build_dir-asan" KTX_BUILD_TYPE=Debug \
        KTX_CMAKE_ARGS="-DKTX_SANITIZE=ON -DKTX_BUILD_DESKTOP=OFF" \
        "$root/scripts/setup.sh" --tests
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        ctest --test-dir "$build_dir-asan" --output-on-failure -j"$jobs" -L unit
fi
