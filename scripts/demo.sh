#!/usr/bin/env bash
# Quick start: set up, build, and open ktx desktop on the bundled demo project.
# Without a display it runs the demo through the CLI instead.
#
# Environment: KTX_DEMO_DIR (default: ~/.local/share/ktx/demo).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
build_dir=${KTX_BUILD_DIR:-$root/build}
ktx="$build_dir/app/cli/ktx"
demo_dir=${KTX_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/ktx/demo}

if [ ! -f "$demo_dir/ktx.yaml" ]; then
    "$ktx" admin demo "$demo_dir"
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    # Qt wants a private runtime folder; some minimal sessions do not set one.
    if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
        XDG_RUNTIME_DIR=$(mktemp -d)
        export XDG_RUNTIME_DIR
    fi
    echo "Opening ktx desktop on $demo_dir"
    exec "$build_dir/app/desktop/ktx-desktop" --project-dir "$demo_dir"
fi

echo
echo "No display found, so the demo runs through the ktx CLI instead."
echo "(Open it later on a desktop with: $build_dir/app/desktop/ktx-desktop --project-dir $demo_dir)"
echo
echo "\$ ktx status --project-dir $demo_dir"
# status exits 1 only when the project is blocked; the demo is "partial" by design (no model).
"$ktx" status --project-dir "$demo_dir"
