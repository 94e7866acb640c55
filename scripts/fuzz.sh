#!/usr/bin/env bash
# libFuzzer runs of tests/fuzz (issue 11): configure and build build-fuzz/ with Debian's clang
# (-fsanitize=fuzzer,address,undefined), then run each target for SECONDS with its committed seeds
# and dictionary, one target at a time, and print what each run did.
#   scripts/fuzz.sh [scenario|ocpp_frame|api_request|all] [SECONDS]     (defaults: all, 600)
# New inputs go to build-fuzz/corpus/<target>/, findings to build-fuzz/artifacts/<target>/, the
# full libFuzzer output to build-fuzz/logs/<target>.log. Extra libFuzzer flags: FUZZ_FLAGS="-seed=1".
# Exit status 1 when any run left a crash, leak, timeout or out-of-memory input behind.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
seconds=${2:-600}
case "$which" in
  all) targets=(scenario ocpp_frame api_request) ;;
  scenario | ocpp_frame | api_request) targets=("$which") ;;
  *) echo "fuzz.sh: unknown target '$which' (expected scenario, ocpp_frame, api_request or all)" >&2; exit 2 ;;
esac
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS must be a whole number of seconds, got '$seconds'" >&2
  exit 2
fi
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is missing (Debian: apt-get install clang)" >&2
  exit 2
fi

build="build-fuzz"
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S tests/fuzz -B "$build" >/dev/null
fi
cmake --build "$build" -j2 --target "${targets[@]/#/fuzz_}"

# The longest input each target gets: a scenario as big as demo-city, an OCPP message as big as
# the gateway accepts (ws_server read_message_max, 64 KiB), a request past the 16 KiB header limit.
max_len() {
  case "$1" in
    scenario) echo 16384 ;;
    ocpp_frame) echo 65536 ;;
    api_request) echo 20000 ;;
  esac
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
failed=0
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t artifacts=$build/artifacts/$t log=$build/logs/$t.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  echo "== $t: ${seconds} s, log $log"
  # -timeout: one input taking 25 s is a finding (a hang), not patience.
  # shellcheck disable=SC2086
  "$build/fuzz_$t" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=25 -rss_limit_mb=2048 \
    -dict="tests/fuzz/$t.dict" -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} \
    "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 || true
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  findings=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) |
    wc -l)
  reports=$(grep -cE '^(==[0-9]+==ERROR|SUMMARY: (Address|Undefined|Leak)Sanitizer|.*runtime error:)' "$log" || true)
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
  echo "   execs ${execs:-?}, ${rate:-?} exec/s; last status: ${last:-none}"
  echo "   corpus: $(find "$corpus" -type f | wc -l) new inputs in $corpus (+ $(find "tests/fuzz/corpus/$t" -type f | wc -l) seeds)"
  echo "   findings: $findings input(s) in $artifacts, $reports sanitizer report line(s) in the log"
  echo "   load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  [ "$findings" -eq 0 ] && [ "$reports" -eq 0 ] || failed=1
done
exit "$failed"
