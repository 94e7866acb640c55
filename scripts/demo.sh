#!/usr/bin/env bash
# Quick start, first command: install what is missing, build, and run the main job
# (a demo back office in an embedded SQLite file, then its dashboard). Extra arguments go to
# `swaptwin demo`, e.g. --seed 3 or --json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh default >/dev/null
exec build/app/swaptwin demo --db build/demo.db "$@"
