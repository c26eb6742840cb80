#!/usr/bin/env bash
# Sets up a Debian 12 machine for ktx desktop and builds it. Idempotent: packages
# already present are not reinstalled, and an existing build is only updated.
#
#   scripts/setup.sh            # packages + build (build/)
#   scripts/setup.sh --tests    # also what the test suite needs
#
# Environment: KTX_BUILD_DIR (default: build), KTX_BUILD_TYPE (RelWithDebInfo),
# KTX_CMAKE_ARGS (extra configure arguments), KTX_JOBS (default: 2).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${KTX_BUILD_DIR:-$root/build}
jobs=${KTX_JOBS:-2}
with_tests=0
for arg in "$@"; do
    case "$arg" in
        --tests) with_tests=1 ;;
        *) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
    esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

packages=(
    cmake ninja-build g++ pkg-config git
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev
    libqt6sql6-sqlite libqt6sql6-psql libqt6sql6-mysql
    libgit2-dev libfyaml-dev libsqlite3-dev
    fonts-dejavu-core
)
if [ "$with_tests" = 1 ]; then
    # Offscreen and Xvfb rendering for UI tests and screenshots.
    packages+=(xvfb xauth)
    # Throw-away PostgreSQL and MariaDB servers for the database tests (the
    # harness in tests/support starts its own; no system service is used).
    packages+=(postgresql mariadb-server)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    say "Debian packages: all present"
fi

# npm packages used by end-to-end tests (agent CLIs, MCP clients) are pinned in
# tests/node/package.json once a test needs them.
if [ "$with_tests" = 1 ] && [ -f "$root/tests/node/package.json" ]; then
    say "Installing test npm packages"
    npm ci --prefix "$root/tests/node" --no-audit --no-fund
fi

say "Configuring ($build_dir)"
# shellcheck disable=SC2086
cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE="${KTX_BUILD_TYPE:-RelWithDebInfo}" \
    -DKTX_BUILD_TESTS="$([ "$with_tests" = 1 ] && echo ON || echo OFF)" \
    ${KTX_CMAKE_ARGS:-} >/dev/null
say "Building with $jobs jobs"
cmake --build "$build_dir" -- -j"$jobs"
