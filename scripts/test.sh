#!/usr/bin/env bash
# Quick start, second command: install what is missing, build, and run the whole test suite.
# `scripts/test.sh asan` does the same under address and undefined-behaviour sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
scripts/setup.sh
scripts/build.sh "$preset"
ctest --preset "$preset"
# Every OCPP frame the tests send or expect refused, checked against the official OCPP 2.1 JSON
# schemas (npm packages pinned in tests/conformance, installed into build/ on first use).
if [ "$preset" = default ]; then
  scripts/conformance.sh
fi
