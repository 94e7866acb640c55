#!/usr/bin/env bash
# Checks captured OCPP-J frames against the official OCPP 2.1 JSON schemas (npm: typed-ocpp + ajv).
#
#   scripts/conformance.sh FILE.jsonl... [--invalid BAD.jsonl...]   validate these captures
#   scripts/conformance.sh                                           capture build/'s adapters tests, validate
#
# The npm packages (tests/conformance/package.json, pinned) go to build/conformance, installed
# only when missing or when the package files changed. See tests/conformance/validate.mjs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/tests/conformance"
dir="$root/build/conformance"
mkdir -p "$dir"

if ! cmp -s "$src/package.json" "$dir/package.json" ||
   ! cmp -s "$src/package-lock.json" "$dir/package-lock.json" ||
   [ ! -d "$dir/node_modules/typed-ocpp" ] || [ ! -d "$dir/node_modules/ajv-formats" ]; then
  if ! command -v npm >/dev/null; then
    echo "conformance: npm is needed (Debian: apt-get install npm)" >&2
    exit 2
  fi
  cp "$src/package.json" "$src/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
# Node resolves the imports next to the script, so it runs from beside node_modules.
cp "$src/validate.mjs" "$dir/validate.mjs"

if [ $# -eq 0 ]; then
  # Every adapters test executable runs once with capture on; those that speak OCPP (framing and
  # schema tests, the gateway, the emulator) append each frame they send or expect to be refused.
  good="$dir/ocpp_capture.jsonl"
  bad="$dir/ocpp_capture_invalid.jsonl"
  rm -f "$good" "$bad"
  found=0
  for tests in "$root"/build/tests/adapters/test_*; do
    [ -x "$tests" ] || continue
    found=1
    if ! SWAPTWIN_OCPP_CAPTURE="$good" SWAPTWIN_OCPP_CAPTURE_INVALID="$bad" "$tests" --gtest_brief=1 >/dev/null; then
      echo "conformance: $(basename "$tests") failed while capturing (run it for details)" >&2
      exit 1
    fi
  done
  if [ "$found" -eq 0 ] || [ ! -s "$good" ]; then
    echo "conformance: nothing captured; build the tests first: scripts/build.sh" >&2
    exit 2
  fi
  touch "$bad"
  set -- "$good" --invalid "$bad"
fi
exec node "$dir/validate.mjs" "$@"
