#!/usr/bin/env bash
# Configures (once) and builds incrementally with a CMake preset: default | asan.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
if [ ! -f "build$( [ "$preset" = default ] || echo "-$preset")/CMakeCache.txt" ]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build --preset "$preset"
