#!/usr/bin/env python3
"""Reads the work directory of bench/live/run.sh and prints the summary (markdown) on stdout."""
import collections
import glob
import json
import os
import re
import sqlite3
import sys

work = sys.argv[1]
meta = {}
with open(os.path.join(work, "meta.env")) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("=")
        meta[k] = v
fl = lambda k: float(meta[k])
N = int(meta["STATIONS"])
HB = fl("HEARTBEAT_S")
BEATS = fl("OFFLINE_AFTER_BEATS")
DEADLINE = HB * BEATS
TCK = fl("CLK_TCK")
procs = int(meta["EMU_PROCS"])
silence_proc = procs


def lines(path):
    """(time, text) of a timestamped log."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, errors="replace") as f:
        for raw in f:
            t, _, text = raw.rstrip("\n").partition(" ")
            try:
                out.append((float(t), text))
            except ValueError:
                pass
    return out


serve = {i: lines(os.path.join(work, "serve%d.log" % i)) for i in (1, 2)}
state_re = re.compile(r"^(?:swaptwin gateway: )?(\S+): (online|offline \((?:missed its deadline|socket closed)\))$")


def all_online_at(log):
    """Time at which the N-th distinct SN was logged online, and the count seen."""
    seen = set()
    for t, text in log:
        m = state_re.match(text)
        if m and m.group(2) == "online":
            seen.add(m.group(1))
            if len(seen) == N:
                return t, len(seen)
    return None, len(seen)


# --- server samples -------------------------------------------------------------------------------
samples = []
with open(os.path.join(work, "samples.txt")) as f:
    for line in f:
        p = line.split()
        samples.append(dict(phase=p[0], t=float(p[1]), pid=p[2], ticks=int(p[3]), hwm=int(p[4]), rss=int(p[5]),
                            load=p[6]))
by_phase = {s["phase"]: s for s in samples}


def cpu(a, b):
    sa, sb = by_phase.get(a), by_phase.get(b)
    if not sa or not sb or sa["pid"] != sb["pid"]:
        return None
    secs = (sb["ticks"] - sa["ticks"]) / TCK
    return secs, secs / max(1e-9, sb["t"] - sa["t"]) * 100


# --- connect ----------------------------------------------------------------------------------------
t_all, n_seen = all_online_at(serve[1])
connect_s = (t_all - fl("EMU_START")) if t_all else None

# Emulators' own view: the first status line at which the sum of "accepted" reached N.
status_re = re.compile(r"^t=(\d+)s connected (\d+)/(\d+) accepted (\d+) .*rtt p50 ([\d.]+) p99 ([\d.]+) ms")
emu_logs = {i: lines(os.path.join(work, "emu%d.log" % i)) for i in range(1, procs + 1)}
events = []
for i, log in emu_logs.items():
    for t, text in log:
        m = status_re.match(text)
        if m:
            events.append((t, i, int(m.group(4)), float(m.group(5)), float(m.group(6))))
events.sort()
latest = {}
emu_connect_s = None
for t, i, acc, _, _ in events:
    latest[i] = acc
    if t <= fl("CONNECT_DONE") + 5 and sum(latest.values()) >= N and emu_connect_s is None:
        emu_connect_s = t - fl("EMU_START")

# RTT at the end of the steady window (cumulative since start: boots included) per process.
steady_rtt = {}
for t, i, acc, p50, p99 in events:
    if t <= fl("STEADY_END"):
        steady_rtt[i] = (p50, p99)

finals = {}
for i in range(1, procs + 1):
    try:
        with open(os.path.join(work, "emu%d.json" % i)) as f:
            finals[i] = json.loads(f.read().strip().splitlines()[-1])
    except Exception as e:  # noqa: BLE001
        finals[i] = {"error": str(e)}

# --- swap timings from the silence group's --log: per (sn, requestId) the Authorize sent, the
# BatteryIn/BatteryOut queued (Authorize answered) and the BatteryOut(Timeout) acknowledged.
auth_sent, tx_queued, tx_acked = {}, {}, {}
swap_re = re.compile(r"^(\S+) swap \S+ requestId (\d+): (.*)$")
logged = [i for i in emu_logs if i == silence_proc or meta.get("LOG_ALL") == "1"]
for t, text in (x for i in logged for x in emu_logs[i]):
    m = swap_re.match(text)
    if m:
        key = (m.group(1), int(m.group(2)))
        (auth_sent if m.group(3) == "Authorize" else tx_queued).setdefault(key, t)
        continue
    if " swap_acked " in text:
        sn, _, js = text.partition(" swap_acked ")
        try:
            tx_acked.setdefault((sn, int(json.loads(js)["requestId"])), t)
        except Exception:  # noqa: BLE001
            pass


def pct(v, q):
    if not v:
        return None
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))] * 1000


def window(lo, hi):
    auth = [tx_queued[k] - auth_sent[k] for k in tx_queued if k in auth_sent and lo <= auth_sent[k] < hi]
    done = [tx_acked[k] - tx_queued[k] for k in tx_acked if k in tx_queued and lo <= tx_queued[k] < hi]
    return auth, done


# --- silence ----------------------------------------------------------------------------------------
silenced = {}
for t, text in emu_logs[silence_proc]:
    p = text.split(" ", 2)
    if len(p) >= 2 and p[1] == "silence":
        silenced.setdefault(p[0], t)
t_kill = fl("KILL")
flag = {}
false_deadline, false_closed = [], []
for t, text in serve[1]:
    if t >= t_kill:
        break
    m = state_re.match(text)
    if not m or m.group(2) == "online":
        continue
    sn, what = m.group(1), m.group(2)
    if sn in silenced and t >= silenced[sn] and "deadline" in what:
        flag.setdefault(sn, t)
    elif "deadline" in what:
        false_deadline.append((t, sn))
    else:
        false_closed.append((t, sn))
t_emu_stop = fl("EMU_STOP")
false2 = [(t, text) for t, text in serve[2] if t < t_emu_stop and (m := state_re.match(text)) and m.group(2) != "online"]
delays = sorted(flag[sn] - silenced[sn] for sn in flag)
within = sum(1 for d in delays if d <= DEADLINE + 1)
not_flagged = len(silenced) - len(flag)

t_sil0 = min(silenced.values()) if silenced else fl("STEADY_END")
SETTLE = float(meta.get("SETTLE_S", 30))
storm_auth, storm_done = window(fl("EMU_START"), fl("CONNECT_DONE") + SETTLE)
steady_auth, steady_done = window(fl("CONNECT_DONE") + SETTLE, t_sil0)
rstorm_auth, rstorm_done = window(t_kill, fl("BACK_DONE") + SETTLE)
tail_auth, tail_done = window(fl("BACK_DONE") + SETTLE, fl("EMU_STOP"))
swap_src = "all cabinets" if meta.get("LOG_ALL") == "1" else "silence group only"


# --- restart -----------------------------------------------------------------------------------------
t_back, n_back = all_online_at(serve[2])
back_from_kill = (t_back - t_kill) if t_back else None
back_from_start = (t_back - fl("SERVER2_START")) if t_back else None
back_from_listen = (t_back - fl("SERVER2_LISTENING")) if t_back else None

# --- swaps: acked lines against the swaps table -----------------------------------------------------
acked = collections.Counter()
acked_lines = 0
for path in sorted(glob.glob(os.path.join(work, "acked*.jsonl"))):
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            j = json.loads(line)
            acked["ocpp:%s:%s" % (j["sn"], j["requestId"])] += 1
            acked_lines += 1
db = sqlite3.connect(os.path.join(work, "live.db"))
rows = collections.Counter(k for (k,) in db.execute("select idempotency_key from swaps"))
db_online_end = db.execute("select count(*) from stations where online=1").fetchone()[0]
# The same rider returning the same pack and taking the same pack twice: a swap recorded twice
# under two request ids would look like this.
same_swap_twice = db.execute(
    "select count(*) from (select rider_id, returned_sn, issued_sn, count(*) c from swaps "
    "group by rider_id, returned_sn, issued_sn having c > 1)").fetchone()[0]
lost = [k for k in acked if k not in rows]
acked_twice = [k for k, c in acked.items() if c > 1]
rows_twice = [k for k, c in rows.items() if c > 1]
not_seen = [k for k in rows if k not in acked]


# --- report ------------------------------------------------------------------------------------------
def fmt(x, unit="", nd=1):
    return "n/a" if x is None else ("%.*f%s" % (nd, x, unit))


def verdict(ok):
    return "met" if ok else "**missed**"


mib = lambda kb: kb / 1024
hwm1 = max((s["hwm"] for s in samples if s["pid"] == meta["SERVER1_PID"]), default=0)
hwm2 = max((s["hwm"] for s in samples if s["pid"] == meta.get("SERVER2_PID")), default=0)
p99s = [f.get("rtt_p99_ms") for f in finals.values() if "rtt_p99_ms" in f]
p50s = [f.get("rtt_p50_ms") for f in finals.values() if "rtt_p50_ms" in f]
steady_p99 = max((v[1] for v in steady_rtt.values()), default=None)
steady_p50 = max((v[0] for v in steady_rtt.values()), default=None)

out = []
w = out.append
w("# Live gateway benchmark: %d cabinets" % N)
w("")
w("Machine: %s x %s, %s GiB RAM; load average at start %s, at end %s. Commit %s (%s uncommitted tracked files in the "
  "tree), binary built %s. Work dir %s." % (meta["NPROC"], meta["CPU"], meta["MEM_GIB"], meta["LOAD_START"],
                                            meta.get("LOAD_END", "?"), meta["COMMIT"], meta["DIRTY"],
                                            meta["BINARY_MTIME"], meta["WORK"]))
w("")
w("Parameters: %d cabinets = %d emulator processes + 1 silence group of %s; heartbeat %s s, offline after %s beats "
  "(deadline %.0f s); %s swaps/cabinet/h; %s riders, %s slots; serve --io-threads %s, emulate --threads %s; "
  "silence at %s s; tail after restart %s s; cabinet passwords: %s." % (N, procs - 1, meta["SILENCE_N"], meta["HEARTBEAT_S"],
                                                 meta["OFFLINE_AFTER_BEATS"], DEADLINE, meta["SWAP_RATE"],
                                                 meta["RIDERS"], meta["SLOTS"], meta["IO_THREADS"],
                                                 meta["EMU_THREADS"], meta["SILENCE_AT_S"], meta["TAIL_S"],
                                                 ("HTTP Basic, PBKDF2 %s iterations" % meta.get("PASSWORD_ITERATIONS"))
                                                 if meta.get("PASSWORD") else "none"))
w("")
w("| measure | value | target | verdict |")
w("|---|---|---|---|")
w("| all connected and accepted (server log: N-th distinct `SN: online`, from emulator start) | %s (%d/%d) | <= 30 s | %s |"
  % (fmt(connect_s, " s"), n_seen, N, verdict(connect_s is not None and connect_s <= 30)))
w("| same, emulators' status lines (sum of `accepted`, 2 s resolution) | %s | | |" % fmt(emu_connect_s, " s", 0))
w("| CALL round trip p50 / p99, end of steady window (all CALLs, cumulative from start, so the boot storm's calls are in it; worst process) | %s / %s ms | | |"
  % (fmt(steady_p50, "", 1), fmt(steady_p99, "", 1)))
def rtt_row(label, auth, done, target=False):
    p99 = pct(done, .99)
    w("| %s (%d swaps, %s) | Authorize %s / %s ms; In+Status+Out %s / %s / %s ms | %s | %s |"
      % (label, len(done), swap_src, fmt(pct(auth, .5)), fmt(pct(auth, .99)), fmt(pct(done, .5)), fmt(p99),
         fmt(max(done) * 1000 if done else None), "p99 <= 50 ms" if target else "",
         ("met (the sum of 3 round trips is within it)" if p99 is not None and p99 <= 50 else
          "**missed** or not shown (the sum of 3 round trips exceeds it)") if target else ""))


rtt_row("swap round trips p50 / p99 (/ max), **steady state**: %.0f s after all connected until the silence" % SETTLE,
        steady_auth, steady_done, True)
rtt_row("same, connect storm: emulator start until %.0f s after all connected" % SETTLE, storm_auth, storm_done)
rtt_row("same, restart storm: kill -9 until %.0f s after all back" % SETTLE, rstorm_auth, rstorm_done)
rtt_row("same, after the restart storm until the stop", tail_auth, tail_done)
w("| CALL round trip p50 / p99, whole run incl. restart (final --json; worst process) | %s / %s ms | | |"
  % (fmt(max(p50s) if p50s else None), fmt(max(p99s) if p99s else None)))
for action in ("BatterySwap", "Authorize", "Heartbeat"):
    per = [f["rtt_by_action"][action] for f in finals.values() if action in f.get("rtt_by_action", {})]
    if per:
        w("| %s round trip p50 / p99 / max, final --json `rtt_by_action` (%s; worst process; %d samples) | %s / %s / %s ms | %s | |"
          % (action, "from --rtt-from-s on, restart storm included" if "--rtt-from-s" in meta.get("EMU_EXTRA", "")
             else "whole run", sum(x["samples"] for x in per), fmt(max(x["p50_ms"] for x in per)),
             fmt(max(x["p99_ms"] for x in per)), fmt(max(x["max_ms"] for x in per)),
             "p99 <= 50 ms" if action == "BatterySwap" else ""))
c1 = cpu("start", "connected")
c2 = cpu("connected", "steady")
c3 = cpu("steady", "silenced")
c4 = cpu("back", "tail")
c5 = cpu("start", "silenced")
w("| server CPU: connect / steady swapping / silence phase | %s / %s / %s (%% of one core) | | |" % tuple(
    fmt(c[1] if c else None, " %", 0) for c in (c1, c2, c3)))
w("| server CPU: first life total / after restart (tail) | %s / %s | | |" % (
    fmt(c5[0] if c5 else None, " s"), fmt(c4[1] if c4 else None, " %", 0)))
w("| server peak RSS (VmHWM), first life / after restart | %.0f / %.0f MiB | <= 1024 MiB | %s |"
  % (mib(hwm1), mib(hwm2), verdict(max(hwm1, hwm2) <= 1024 * 1024)))
w("| silenced cabinets flagged `offline (missed its deadline)` within deadline + 1 s of the silence | %d/%d (delays %s-%s s; not flagged %d) | 100/100 | %s |"
  % (within, len(silenced), fmt(delays[0] if delays else None), fmt(delays[-1] if delays else None), not_flagged,
     verdict(within == len(silenced) == int(meta["SILENCE_N"]))))
w("| false offline flags before the restart: missed deadline / socket closed | %d / %d | 0 | %s |"
  % (len(false_deadline), len(false_closed), verdict(not false_deadline and not false_closed)))
w("| offline flags after the restart (until the emulators stop) | %d | 0 | %s |" % (len(false2), verdict(not false2)))
w("| all back after the restart: from kill -9 / from new process start / from listening | %s / %s / %s (%d/%d) | <= 60 s | %s |"
  % (fmt(back_from_kill, " s"), fmt(back_from_start, " s"), fmt(back_from_listen, " s"), n_back, N,
     verdict(back_from_kill is not None and back_from_kill <= 60)))
w("| acked swaps (BatteryOut + BatteryOutTimeout lines) / rows in `swaps` | %d / %d | | |" % (acked_lines, sum(rows.values())))
w("| lost (acked, no row) | %d | 0 | %s |" % (len(lost), verdict(not lost)))
w("| doubled: acked twice / key twice in swaps / same rider+packs twice | %d / %d / %d | 0 | %s |"
  % (len(acked_twice), len(rows_twice), same_swap_twice, verdict(not acked_twice and not rows_twice)))
w("| recorded but not seen acked (legal: answer lost in the crash or at the stop) | %d | | |" % len(not_seen))
w("| stations online in the db at the end (after the emulators closed) | %d | | |" % db_online_end)
w("")
w("Emulator counters (final --json):")
w("")
keys = ["stations", "accepted", "boots", "reconnects", "connect_failures", "heartbeats", "calls_sent", "calls_failed",
        "calls_timed_out", "swaps_started", "swaps_done", "swap_timeouts", "swaps_refused", "swaps_abandoned",
        "batteryswap_acked", "offline_queued", "replayed", "silences", "invalid_sent", "invalid_received",
        "rtt_p50_ms", "rtt_p99_ms", "rtt_max_ms", "rtt_samples"]
w("| counter | " + " | ".join("proc %d%s" % (i, " (silence)" if i == silence_proc else "") for i in finals) + " |")
w("|---|" + "---|" * len(finals))
for k in keys:
    w("| %s | " % k + " | ".join(str(finals[i].get(k, "?")) for i in finals) + " |")
w("")
w("Server samples (phase, CPU s, VmHWM MiB, VmRSS MiB, load):")
w("")
for s in samples:
    w("- %s: pid %s, cpu %.1f s, VmHWM %.0f MiB, VmRSS %.0f MiB, load %s" % (
        s["phase"], s["pid"], s["ticks"] / TCK, mib(s["hwm"]), mib(s["rss"]), s["load"]))
if lost[:5]:
    w("")
    w("First lost keys: " + ", ".join(lost[:5]))
if false_deadline[:5] or false_closed[:5]:
    w("")
    w("First false flags: " + ", ".join("%s %s" % (sn, "deadline" if x is false_deadline else "closed")
                                       for x in (false_deadline, false_closed) for _, sn in x[:5]))
if false2[:5]:
    w("")
    w("First offline lines after the restart: " + "; ".join(t for _, t in false2[:5]))
print("\n".join(out))
