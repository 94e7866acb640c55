#!/usr/bin/env bash
# Quick start, second command: install what is missing, build, and run the whole test suite.
# `scripts/test.sh asan` does the same under address and undefined-behaviour sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
scripts/setup.sh
scripts/build.sh "$preset"
ctest --preset "$preset"
