#!/usr/bin/env bash
# Live benchmark of issue 4: N emulated cabinets (separate processes) against one `swaptwin serve`.
# See bench/live/README.md. Every parameter is an environment variable or a flag:
#   --stations 200  ==  STATIONS=200
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) sed -n '2,4p' "$0"; grep -E '^: "\$\{' "$0" | sed 's/^: "\${\([A-Z_]*\):=\(.*\)}".*# \(.*\)$/  \1 (default \2): \3/'; exit 0 ;;
    --*=*) k=${1%%=*}; v=${1#*=}; shift ;;
    --*) k=$1; v=${2:?"$1 needs a value"}; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  k=${k#--}; k=${k//-/_}; export "${k^^}=$v"
done

: "${REPO:=$ROOT}"                  # the checkout (for the commit id in the results)
: "${SWAPTWIN:=$REPO/build/app/swaptwin}"  # the CLI (copied into the work dir before the run)
: "${STATIONS:=10000}"             # cabinets in all
: "${EMULATORS:=2}"                # emulator processes sharing STATIONS - SILENCE_N cabinets
: "${SILENCE_N:=100}"              # cabinets of the extra silence-group process, silenced at SILENCE_AT_S
: "${SILENCE_AT_S:=150}"           # seconds after the emulators start
: "${HEARTBEAT_S:=30}"             # serve --heartbeat-s
: "${OFFLINE_AFTER_BEATS:=2}"      # serve --offline-after-beats
: "${SWAP_RATE:=62.5}"             # swaps per cabinet per hour (10 x ~150 a day)
: "${RIDERS:=4}"                   # riders per cabinet (provision and emulate)
: "${SLOTS:=12}"                   # slots per cabinet
: "${IO_THREADS:=2}"               # serve --io-threads
: "${EMU_THREADS:=2}"              # emulate --threads (each process)
: "${CONNECT_TIMEOUT_S:=120}"      # give up waiting for all cabinets online after this
: "${SILENCE_MARGIN_S:=10}"        # watch this long past deadline + 1 s after the silence
: "${RESTART_TIMEOUT_S:=180}"      # give up waiting for all back after the restart
: "${TAIL_S:=60}"                  # swapping after all are back, before the stop
: "${PASSWORD:=}"                  # cabinet password pattern ({sn} = SN); empty: no HTTP Basic
: "${PASSWORD_ITERATIONS:=10000}"  # PBKDF2 iterations of the provisioned hashes (with PASSWORD)
: "${LOG_ALL:=0}"                  # 1: --log on every emulator (swap timings of all cabinets, not only the silence group)
: "${SETTLE_S:=30}"                # analysis: the steady window starts this long after all are connected
: "${EMU_EXTRA:=}"                # more emulate flags for every emulator, e.g. "--rtt-from-s 45"
: "${WORK:=}"                      # work directory (default: a fresh mktemp -d)
: "${RESULTS:=$HERE/results}"      # where results-<STATIONS>-<date>.md is copied

[[ -x "$SWAPTWIN" ]] || { echo "run.sh: no swaptwin at $SWAPTWIN (build it: cmake --build build --target swaptwin)" >&2; exit 2; }
(( STATIONS > SILENCE_N )) || { echo "run.sh: STATIONS must exceed SILENCE_N" >&2; exit 2; }
[[ -n "$WORK" ]] || WORK=$(mktemp -d /tmp/swaptwin-live.XXXXXX)
mkdir -p "$WORK" "$RESULTS"
ulimit -Sn "$(ulimit -Hn)"
BIN=$WORK/swaptwin
cp "$SWAPTWIN" "$BIN"   # other sessions rebuild build/app/swaptwin while we run
DB=$WORK/live.db
TS="python3 -u $HERE/tsreader.py"
META=$WORK/meta.env
: > "$META"
meta() { echo "$1=$2" >> "$META"; }
now() { echo "$EPOCHREALTIME"; }
log() { echo "[run.sh $(date +%T)] $*" >&2; }

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

for v in STATIONS EMULATORS SILENCE_N SILENCE_AT_S HEARTBEAT_S OFFLINE_AFTER_BEATS SWAP_RATE RIDERS SLOTS \
         IO_THREADS EMU_THREADS TAIL_S PASSWORD PASSWORD_ITERATIONS LOG_ALL SETTLE_S EMU_EXTRA; do meta "$v" "${!v}"; done
meta WORK "$WORK"
meta COMMIT "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
meta DIRTY "$(git -C "$REPO" status --porcelain -uno 2>/dev/null | wc -l)"
meta BINARY_MTIME "$(date -r "$SWAPTWIN" +%FT%T)"
meta NPROC "$(nproc)"
meta CPU "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
meta MEM_GIB "$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)"
meta LOAD_START "$(cut -d' ' -f1-3 /proc/loadavg)"
meta NOFILE "$(ulimit -n)"
meta CLK_TCK "$(getconf CLK_TCK)"
log "work dir $WORK"

# --- 1. provision -----------------------------------------------------------------------------
t=$(now)
if "$BIN" admin --help 2>/dev/null | grep -qE "^ +provision "; then
  meta PROVISION admin
  pw=(--no-password)  # the emulated cabinets connect without credentials, on purpose
  [[ -z "$PASSWORD" ]] || pw=(--password "$PASSWORD" --password-iterations "$PASSWORD_ITERATIONS")
  "$BIN" admin --db "$DB" provision --prefix EMU- --stations "$STATIONS" --slots "$SLOTS" \
    --riders-per-station "$RIDERS" "${pw[@]}" > "$WORK/provision.out" 2>&1 \
    || { cat "$WORK/provision.out" >&2; exit 1; }
else
  # Flow test only (a binary without `admin provision`, so older than --no-password and schema
  # version 8): empty accepted stations, no riders or packs, so every swap is refused or
  # abandoned; connect, silence and restart still work.
  log "WARNING: no 'admin provision' in this binary: empty stations, no riders (swaps will not happen)"
  meta PROVISION fallback
  "$BIN" admin --db "$DB" station add TPL --name tpl --lat 0 --lon 0 --slots "$SLOTS" > "$WORK/provision.out"
  sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $STATIONS)
    INSERT INTO stations SELECT printf('EMU-%05d', i), name, lat, lon, power_cap_w, enabled, agent_id, firmware,
      online, last_seen_ms, boot_id, reported_name, reported_power_cap_w, reported_enabled, created_at_ms,
      registration, password_hash FROM n, stations WHERE sn = 'TPL';
    INSERT INTO slots SELECT s.sn, sl.idx, sl.state, sl.door_open, sl.battery_sn, sl.model_id, sl.soc,
      sl.charge_power_w, sl.desired_disabled, sl.reported_disabled FROM stations s, slots sl
      WHERE sl.station_sn = 'TPL' AND s.sn <> 'TPL';
    DELETE FROM slots WHERE station_sn = 'TPL'; DELETE FROM stations WHERE sn = 'TPL';"
fi
meta PROVISION_S "$(python3 -c "print(round($(now) - $t, 2))")"
log "provisioned $STATIONS cabinets ($(sqlite3 "$DB" 'select count(*) from stations') stations in the db)"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
meta PORT "$PORT"

# --- 2. server ----------------------------------------------------------------------------------
SERVER_PID=
start_server() {  # $1: instance number
  "$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --heartbeat-s "$HEARTBEAT_S" \
    --offline-after-beats "$OFFLINE_AFTER_BEATS" --io-threads "$IO_THREADS" \
    > "$WORK/serve$1.out" 2> >($TS "$WORK/serve$1.log") &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  meta "SERVER${1}_START" "$(now)"
  meta "SERVER${1}_PID" "$SERVER_PID"
  local i
  for i in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      meta "SERVER${1}_LISTENING" "$(now)"; return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { log "serve exited"; cat "$WORK/serve$1.log" >&2; exit 1; }
    sleep 0.1
  done
  log "serve not listening after 60 s"; exit 1
}
# One sample of the server: wall time, utime+stime ticks, VmHWM and VmRSS (kB).
sample() {  # $1: phase name
  local stat rest hwm rss
  stat=$(cat "/proc/$SERVER_PID/stat" 2>/dev/null) || { log "sample $1: server gone"; return 0; }
  rest=${stat##*) }
  read -r -a f <<< "$rest"
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
  echo "$1 $(now) $SERVER_PID $(( f[11] + f[12] )) $hwm $rss $(cut -d' ' -f1 /proc/loadavg)" >> "$WORK/samples.txt"
  log "sample $1: cpu $(( (f[11] + f[12]) / $(getconf CLK_TCK) )) s, VmHWM $((hwm / 1024)) MiB, VmRSS $((rss / 1024)) MiB, load $(cut -d' ' -f1 /proc/loadavg)"
}
online_count() {  # distinct SNs logged online by server instance $1
  # awk, not grep: a grep without a match fails the pipeline (pipefail) and set -e ends the run
  awk '/: online$/ {print $4}' "$WORK/serve$1.log" 2>/dev/null | sort -u | wc -l
}
db_online() { sqlite3 "$DB" 'select count(*) from stations where online=1' 2>/dev/null || echo '?'; }

start_server 1
sample start

# --- 3. emulators -------------------------------------------------------------------------------
MAIN=$(( STATIONS - SILENCE_N ))
EMU_PIDS=()
start_emulator() {  # $1: index, $2: first, $3: count, rest: extra flags
  local i=$1 first=$2 count=$3; shift 3
  [[ -z "$PASSWORD" ]] || set -- "$@" --password "$PASSWORD"
  # shellcheck disable=SC2206
  [[ -z "$EMU_EXTRA" ]] || set -- "$@" $EMU_EXTRA
  "$BIN" emulate --url "ws://127.0.0.1:$PORT/ocpp" --prefix EMU- --first "$first" --stations "$count" \
    --slots "$SLOTS" --riders "$RIDERS" --swap-rate "$SWAP_RATE" --threads "$EMU_THREADS" --seed "$i" \
    --json --progress --acked-log "$WORK/acked$i.jsonl" "$@" \
    > "$WORK/emu$i.json" 2> >($TS "$WORK/emu$i.log") &
  EMU_PIDS+=("$!")
  PIDS+=("$!")
}
T0=$(now)
meta EMU_START "$T0"
first=1
for (( i = 1; i <= EMULATORS; i++ )); do
  n=$(( MAIN / EMULATORS + (i <= MAIN % EMULATORS ? 1 : 0) ))
  if [[ "$LOG_ALL" == 1 ]]; then start_emulator "$i" "$first" "$n" --log; else start_emulator "$i" "$first" "$n"; fi
  first=$(( first + n ))
done
# The silence group: the last SILENCE_N cabinets, one process, every one silenced at SILENCE_AT_S;
# --log makes it print "SN silence ..." (timestamped here), so the silenced set and instants are known.
start_emulator $(( EMULATORS + 1 )) "$first" "$SILENCE_N" --silence "$SILENCE_N@$SILENCE_AT_S" --log
meta EMU_PROCS $(( EMULATORS + 1 ))
log "started $(( EMULATORS + 1 )) emulator processes (${EMU_PIDS[*]}), server pid $SERVER_PID, port $PORT"

deadline=$(python3 -c "print($T0 + $CONNECT_TIMEOUT_S)")
while :; do
  c=$(online_count 1)
  [[ $c -ge $STATIONS ]] && break
  if python3 -c "import sys; sys.exit(0 if $(now) > $deadline else 1)"; then log "connect: only $c/$STATIONS online after ${CONNECT_TIMEOUT_S} s"; break; fi
  sleep 0.5
done
meta CONNECT_DONE "$(now)"
log "connect phase: $(online_count 1)/$STATIONS online in the log, db says $(db_online)"
sample connected

# --- 4. steady swapping until just before the silence ---------------------------------------------
sleep_until() { local d; d=$(python3 -c "print(max(0.0, $1 - $(now)))"); sleep "$d"; }
sleep_until "$(python3 -c "print($T0 + $SILENCE_AT_S - 0.5)")"
sample steady
meta STEADY_END "$(now)"
log "steady window over, silence due; db online $(db_online)"

# --- silence: wait the deadline + 1 s + margin ---------------------------------------------------
sleep_until "$(python3 -c "print($T0 + $SILENCE_AT_S + $HEARTBEAT_S * $OFFLINE_AFTER_BEATS + 1 + $SILENCE_MARGIN_S)")"
sample silenced
log "silence phase over: $(grep -ac 'offline (missed its deadline)' "$WORK/serve1.log" || true) deadline offline lines; db online $(db_online)"

# --- restart: kill -9, start again, wait for all back -------------------------------------------
meta KILL "$(now)"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
log "server killed (-9)"
start_server 2
deadline=$(python3 -c "print($(now) + $RESTART_TIMEOUT_S)")
while :; do
  c=$(online_count 2)
  [[ $c -ge $STATIONS ]] && break
  if python3 -c "import sys; sys.exit(0 if $(now) > $deadline else 1)"; then log "restart: only $c/$STATIONS back after ${RESTART_TIMEOUT_S} s"; break; fi
  sleep 0.5
done
meta BACK_DONE "$(now)"
log "restart: $(online_count 2)/$STATIONS back; db online $(db_online)"
sample back
sleep "$TAIL_S"
sample tail

# --- stop: emulators first (final counters), then the server (clean flush) -----------------------
meta EMU_STOP "$(now)"
for p in "${EMU_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${EMU_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
log "emulators stopped"
sleep 2
sample final
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
meta LOAD_END "$(cut -d' ' -f1-3 /proc/loadavg)"
sleep 0.5  # let the readers flush

OUT="$RESULTS/results-$STATIONS-$(date +%Y%m%dT%H%M%S).md"
python3 "$HERE/analyze.py" "$WORK" | tee "$WORK/results.md"
cp "$WORK/results.md" "$OUT"
log "results: $OUT (work dir $WORK)"
