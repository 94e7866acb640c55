#!/usr/bin/env bash
# Operator feed benchmark (issue 5): N emulated cabinets (separate processes) against one
# `swaptwin serve --api-listen`, first WINDOW_S seconds without a feed subscriber, then WINDOW_S with
# one (feed_probe: counts station deltas, times commit -> arrival, verifies its board at the end).
# See bench/feed/README.md. Every parameter is an environment variable or a flag: --stations 1000.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) sed -n '2,6p' "$0"; grep -E '^: "\$\{' "$0" | sed 's/^: "\${\([A-Z_]*\):=\(.*\)}".*# \(.*\)$/  \1 (default \2): \3/'; exit 0 ;;
    --*=*) k=${1%%=*}; v=${1#*=}; shift ;;
    --*) k=$1; v=${2:?"$1 needs a value"}; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  k=${k#--}; k=${k//-/_}; export "${k^^}=$v"
done

: "${BUILD:=$ROOT/build}"                     # build directory with app/swaptwin and bench/feed_probe
: "${SWAPTWIN:=$BUILD/app/swaptwin}"          # the CLI (copied into the work dir before the run)
: "${PROBE:=$BUILD/bench/feed_probe}"         # the feed subscriber
: "${STATIONS:=1000}"                         # cabinets
: "${EMULATORS:=1}"                           # emulator processes sharing them
: "${SWAP_RATE:=62.5}"                        # swaps per cabinet per hour
: "${FAULT_RATE:=0.5}"                        # slot faults per cabinet per hour (StatusNotification + alert)
: "${RIDERS:=4}"                              # riders per cabinet
: "${SLOTS:=12}"                              # slots per cabinet
: "${HEARTBEAT_S:=30}"                        # serve --heartbeat-s
: "${IO_THREADS:=1}"                          # serve --io-threads
: "${EMU_THREADS:=1}"                         # emulate --threads (each process)
: "${CONNECT_TIMEOUT_S:=120}"                 # give up waiting for all cabinets online after this
: "${SETTLE_S:=10}"                           # after all are online, before the first window
: "${WINDOW_S:=60}"                           # each measured window (without, then with the subscriber)
: "${FEED:=1}"                                 # 0: serve without --api-listen (no hub, no API), one window, no probe: the baseline
: "${WORK:=}"                                 # work directory (default: a fresh mktemp -d)

[[ -x "$SWAPTWIN" ]] || { echo "run.sh: no swaptwin at $SWAPTWIN" >&2; exit 2; }
[[ -x "$PROBE" ]] || { echo "run.sh: no feed_probe at $PROBE (cmake --build BUILD --target feed_probe)" >&2; exit 2; }
[[ -n "$WORK" ]] || WORK=$(mktemp -d /tmp/swaptwin-feed.XXXXXX)
mkdir -p "$WORK"
ulimit -Sn "$(ulimit -Hn)"
BIN=$WORK/swaptwin
cp "$SWAPTWIN" "$BIN"   # other sessions rebuild the build tree while we run
cp "$PROBE" "$WORK/feed_probe"
DB=$WORK/feed.db
log() { echo "[feed run.sh $(date +%T)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
log "work dir $WORK"

"$BIN" admin --db "$DB" provision --prefix EMU- --stations "$STATIONS" --slots "$SLOTS" \
  --riders-per-station "$RIDERS" --no-password > "$WORK/provision.out" 2>&1 || { cat "$WORK/provision.out" >&2; exit 1; }
TOKEN=$("$BIN" admin --db "$DB" token add bench-probe --role viewer --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["bearer"])')
PORT=$(free_port)
API_PORT=$(free_port)

API=(--api-listen "127.0.0.1:$API_PORT")
[[ "$FEED" == 1 ]] || API=()
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" "${API[@]}" \
  --heartbeat-s "$HEARTBEAT_S" --io-threads "$IO_THREADS" > "$WORK/serve.out" 2> "$WORK/serve.log" &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
for _ in $(seq 1 600); do
  grep -q '^listening on ' "$WORK/serve.out" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { log "serve exited"; cat "$WORK/serve.log" >&2; exit 1; }
  sleep 0.1
done

# CPU ticks (utime + stime) and VmRSS (kB) of the server.
cpu_ticks() { local s; s=$(cat "/proc/$SERVER_PID/stat"); s=${s##*) }; read -r -a f <<< "$s"; echo $(( f[11] + f[12] )); }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
db_scalar() { sqlite3 "$DB" "$1" 2>/dev/null || echo 0; }
TCK=$(getconf CLK_TCK)

EMU_PIDS=()
first=1
for (( i = 1; i <= EMULATORS; i++ )); do
  n=$(( STATIONS / EMULATORS + (i <= STATIONS % EMULATORS ? 1 : 0) ))
  "$BIN" emulate --url "ws://127.0.0.1:$PORT/ocpp" --prefix EMU- --first "$first" --stations "$n" \
    --slots "$SLOTS" --riders "$RIDERS" --swap-rate "$SWAP_RATE" --fault-rate "$FAULT_RATE" --threads "$EMU_THREADS" \
    --seed "$i" --json > "$WORK/emu$i.json" 2> "$WORK/emu$i.log" &
  EMU_PIDS+=("$!")
  PIDS+=("$!")
  first=$(( first + n ))
done
T0=$EPOCHREALTIME
while :; do
  # distinct SNs logged online by serve (the database says online before the gateway's start-up
  # marks every station offline); awk, not grep: no match must not end the run (pipefail)
  c=$(awk '/: online$/ {print $(NF-1)}' "$WORK/serve.log" | sort -u | wc -l)
  [[ $c -ge $STATIONS ]] && break
  if python3 -c "import sys; sys.exit(0 if $EPOCHREALTIME - $T0 > $CONNECT_TIMEOUT_S else 1)"; then log "only $c/$STATIONS online"; break; fi
  sleep 1
done
CONNECT_S=$(python3 -c "print(round($EPOCHREALTIME - $T0, 1))")
log "$c/$STATIONS online after $CONNECT_S s (database: $(db_scalar 'select count(*) from stations where online=1'))"
sleep "$SETTLE_S"

# One window: CPU %, RSS at the end, swaps and slot-state rows committed meanwhile.
window() {  # $1: name
  local c0 c1 s0 s1 t0 t1
  c0=$(cpu_ticks); s0=$(db_scalar 'select count(*) from swaps'); t0=$EPOCHREALTIME
  sleep "$WINDOW_S"
  c1=$(cpu_ticks); s1=$(db_scalar 'select count(*) from swaps'); t1=$EPOCHREALTIME
  python3 -c "print('$1', round(100 * ($c1 - $c0) / $TCK / ($t1 - $t0), 1), $(rss_kb), round(($s1 - $s0) / ($t1 - $t0), 1))" >> "$WORK/windows.txt"
  log "window $1: $(tail -1 "$WORK/windows.txt") (cpu %, rss kB, swaps/s)"
}
: > "$WORK/windows.txt"
window without
if [[ "$FEED" != 1 ]]; then
  for p in "${EMU_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${EMU_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  { echo "stations=$STATIONS baseline (serve without --api-listen) window_s=$WINDOW_S connect_s=$CONNECT_S"
    echo "load at end $(cut -d' ' -f1-3 /proc/loadavg)"; cat "$WORK/windows.txt"; } | tee "$WORK/results.txt"
  exit 0
fi
"$WORK/feed_probe" --api "127.0.0.1:$API_PORT" --token "$TOKEN" --quiet-s 5 --min-s "$(( WINDOW_S + 5 ))" --verify \
  > "$WORK/probe.json" 2> "$WORK/probe.log" &
PROBE_PID=$!
PIDS+=("$PROBE_PID")
window with
for p in "${EMU_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${EMU_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
log "emulators stopped; waiting for the probe (quiet 5 s, then verify)"
wait "$PROBE_PID" || true
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true

{
  echo "stations=$STATIONS emulators=$EMULATORS swap_rate=$SWAP_RATE fault_rate=$FAULT_RATE slots=$SLOTS window_s=$WINDOW_S"
  echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "connect_s: $CONNECT_S"
  echo "windows (name cpu% rss_kB swaps/s):"; cat "$WORK/windows.txt"
  echo "probe: $(cat "$WORK/probe.json")"
  echo "serve: $(grep -a 'feed:' "$WORK/serve.log" || echo '(no feed line)')"
} | tee "$WORK/results.txt"
