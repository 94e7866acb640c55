#!/usr/bin/env bash
# Quick start, first command: install what is missing, build, and run the main job: the bundled
# demo-city scenario in virtual time (KPI summary on stdout; report.json, timeseries.csv, charts,
# journal.bin and the run's SQLite back office swaptwin.db in build/demo-city), then that back
# office's dashboard as of the last second of the run. Extra arguments go to `swaptwin sim`, e.g.
# --seed 3 or --days 1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh default >/dev/null
out=build/demo-city
build/app/swaptwin sim scenarios/examples/demo-city.textproto --out "$out" "$@"
# The run ends just before report.json's "end".
end=$(sed -n 's/^  "end": "\([^"]*\)",$/\1/p' "$out/report.json")
now=$(date -u -d "@$(($(date -u -d "$end" +%s) - 1))" +%Y-%m-%dT%H:%M:%SZ)
echo
exec build/app/swaptwin admin --db "$out/swaptwin.db" --now "$now" dashboard
