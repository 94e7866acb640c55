#pragma once
/// The cabinet emulator behind `swaptwin emulate`: N battery-swap cabinets, each a real OCPP 2.1
/// client over ws_client, for load tests, chaos tests and the benchmark. It is a process-boundary
/// tool, not model code: plain Asio callbacks (timers and one strand per cabinet on the emulator's
/// own threads; the WebSocket clients share one ws_io), no CAF. Beast and Asio stay in the .cpp.
///
/// What a cabinet does (docs: adapters/README.md, "Cabinet emulator"):
/// - connects to <url>/<SN> with subprotocol ocpp2.1 and HTTP Basic when it has a password;
/// - sends BootNotification (PowerUp, or ApplicationReset after a chaos restart); Pending -> boots
///   again after the response's interval; Rejected -> boots again after max(interval, back-off);
///   Accepted -> Heartbeat every `interval` s and one StatusNotification per slot;
/// - keeps one outstanding CALL (OCPP-J): its own CALLs wait in a queue until the previous one is
///   answered or times out; answers the server's CALLs at once (NotSupported for the CSMS actions
///   swaptwin knows, NotImplemented for the others, for now);
/// - on a failed connect or a closed socket, reconnects after a delay drawn uniformly from
///   [0, min(cap, base * 2^k)] (full jitter; k = failures since the last Accepted boot) from an RNG
///   seeded per cabinet by `seed`;
/// - keeps transaction messages (StatusNotifications of slot changes, BatterySwap, NotifyEvent)
///   until they are acknowledged, in an append-only JSON-lines file per cabinet under `state_dir`,
///   replays them after the next Accepted boot and then truncates the file, so a restart loses nothing;
/// - holds the packs and riders of adapters/live_layout.hpp (persisted as <SN>.state.json) and
///   swaps: Authorize, then BatterySwap BatteryIn and BatteryOut (or BatteryOutTimeout) under one
///   requestId, at `swap_rate_per_hour` or on the server's RequestBatterySwap;
/// - answers RequestBatterySwap, ChangeAvailability, Reset, SetVariables and TriggerMessage, and
///   raises slot faults and alarms (StatusNotification Faulted + NotifyEvent) at `fault_rate_per_hour`.
/// Every frame a cabinet sends is checked with ocpp::validate (an assert in debug builds, a counter).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace swaptwin::adapters {

/// A one-shot silence: at `at` after start, `count` cabinets (chosen by the seeded RNG) go silent.
struct emulator_silence {
  std::size_t count = 0;               ///< how many cabinets
  std::chrono::milliseconds at{0};     ///< when, after start()
};

/// Something that happened to one cabinet, for logs and tests.
struct emulator_event {
  std::string station;               ///< the cabinet's SN
  std::string kind;                  ///< "connected", "declined", "connect_failed", "closed", "backoff", "boot", "accepted", "pending", "rejected", "drop", "silence", "restart", "storm", "replay", "swap", "swap_refused", "swap_abandoned", "swap_acked", "fault", "repair", "server_call", "reset"
  std::string detail;                ///< human text (HTTP status, close reason, ...)
  std::chrono::milliseconds delay{0};  ///< "backoff": the drawn delay
  std::chrono::milliseconds cap{0};    ///< "backoff": the bound it was drawn under (base * 2^attempt, capped)
  int attempt = 0;                   ///< "backoff": k, failures since the last Accepted boot
};

/// How the emulator runs.
struct emulator_options {
  std::string url = "ws://127.0.0.1:9000/ocpp";  ///< ws:// or wss://; "/<SN>" is appended to its path
  std::size_t stations = 1;            ///< how many cabinets
  std::string prefix = "EMU-";         ///< SN = prefix + number
  std::size_t first_number = 1;        ///< number of the first cabinet
  int number_width = 5;                ///< zero-padded: EMU-00001
  /// Password of every cabinet; "{sn}" in it is replaced by the cabinet's SN. Empty (and no entry
  /// in `passwords`): no Authorization header.
  std::string password_pattern;
  std::map<std::string, std::string> passwords;  ///< per SN, wins over the pattern
  int slots = 12;                      ///< slots (EVSEs) per cabinet
  std::uint64_t seed = 1;              ///< seeds every cabinet's RNG (jitter, chaos choices)
  std::string state_dir;               ///< offline queues (<SN>.jsonl); empty = kept in memory only
  int threads = 2;                     ///< emulator threads, and as many WebSocket I/O threads
  std::string model = "SwapTwin-EMU";  ///< BootNotification chargingStation.model
  std::string vendor = "swaptwin";     ///< chargingStation.vendorName
  std::string firmware = "emu-0.1";    ///< chargingStation.firmwareVersion
  std::chrono::milliseconds request_timeout{30000};  ///< a CALL unanswered this long has failed
  /// Round trips of CALLs sent earlier than this after start() are left out of the percentiles
  /// (a benchmark's steady state without its connect storm).
  std::chrono::milliseconds rtt_from{0};
  std::chrono::milliseconds connect_timeout{10000};  ///< TCP + upgrade
  std::chrono::milliseconds backoff_base{1000};      ///< reconnect back-off: first bound
  std::chrono::milliseconds backoff_cap{60000};      ///< reconnect back-off: largest bound
  std::chrono::milliseconds default_retry{10000};    ///< Pending/Rejected with interval 0; boot failed
  std::string tls_ca_file;             ///< wss: verify the server with this CA (PEM)
  // Chaos.
  double drop_rate_per_hour = 0;       ///< per cabinet: drops the socket (no close frame), Poisson
  double restart_rate_per_hour = 0;    ///< per cabinet: restarts (new boot, ApplicationReset), Poisson
  std::vector<emulator_silence> silences;  ///< one-shot silences (no frames sent, socket kept)
  std::optional<std::chrono::milliseconds> storm_at;  ///< all cabinets drop and reconnect at once
  // Riders, swaps and faults (adapters/live_layout.hpp gives every cabinet its packs and riders).
  int riders_per_cabinet = 4;          ///< riders of each cabinet (<SN>-R01 ..), each holding <SN>-H<rr>
  double swap_rate_per_hour = 0;       ///< per cabinet: swaps started by a rider (Authorize first), Poisson; 0 = none
  double out_timeout_probability = 0.02;  ///< a rider leaves the issued pack: BatteryOutTimeout (and stops swapping)
  double charge_percent_per_minute = 1.0;  ///< packs in working slots charge this fast toward 100 %
  /// JSON lines appended when a BatteryOut / BatteryOutTimeout is acknowledged (empty = none):
  /// {"sn","requestId","rider","event","issued","returned"}; shared by every cabinet, flushed per line.
  std::string acked_log;
  double fault_rate_per_hour = 0;      ///< per cabinet: slot faults and alarms, Poisson; 0 = none
  std::chrono::milliseconds fault_repair{180000};  ///< a fault or alarm clears after this long
  /// Called for each emulator_event, on an emulator thread (keep it short; must not throw).
  std::function<void(const emulator_event&)> on_event;
};

/// Round trips of one kind of CALL.
struct rtt_summary {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::uint64_t samples = 0;
};

/// Counters of a run (a snapshot; the `now` ones are gauges).
struct emulator_counters {
  std::uint64_t stations = 0;          ///< cabinets emulated
  std::uint64_t connected_now = 0;     ///< sockets open now
  std::uint64_t accepted_now = 0;      ///< cabinets whose current boot is Accepted
  std::uint64_t connects = 0;          ///< connect attempts
  std::uint64_t connect_failures = 0;  ///< attempts that did not open (refusals included)
  std::uint64_t declined = 0;          ///< refused by the server with an HTTP status (401, ...)
  std::uint64_t reconnects = 0;        ///< connect attempts after the first of each cabinet
  std::uint64_t closes = 0;            ///< open connections that ended
  std::uint64_t boots = 0;             ///< BootNotifications sent
  std::uint64_t accepted = 0;          ///< boot responses Accepted
  std::uint64_t pending = 0;           ///< boot responses Pending
  std::uint64_t rejected = 0;          ///< boot responses Rejected
  std::uint64_t heartbeats = 0;        ///< Heartbeats answered
  std::uint64_t status_notifications = 0;  ///< StatusNotifications answered
  std::uint64_t calls_sent = 0;        ///< CALLs sent (retries included)
  std::uint64_t calls_answered = 0;    ///< CALLRESULTs received for our CALLs
  std::uint64_t calls_failed = 0;      ///< CALLERRORs received, timeouts and invalid results
  std::uint64_t calls_timed_out = 0;   ///< of calls_failed: no answer within request_timeout
  std::uint64_t server_calls = 0;      ///< CALLs from the server, answered
  std::map<std::string, std::uint64_t> server_calls_by_action;  ///< of server_calls, per action
  std::uint64_t offline_queued = 0;    ///< transaction messages queued while not accepted
  std::uint64_t replayed = 0;          ///< queued transaction messages acknowledged after a reconnect
  std::uint64_t invalid_sent = 0;      ///< frames we sent that failed ocpp::validate (must stay 0)
  std::uint64_t invalid_received = 0;  ///< frames from the server that were refused or did not validate
  std::uint64_t drops = 0;             ///< chaos: sockets dropped
  std::uint64_t silences = 0;          ///< chaos: cabinets gone silent
  std::uint64_t restarts = 0;          ///< chaos: restarts with a new boot
  std::uint64_t storms = 0;            ///< chaos: connection storms
  std::uint64_t swaps_started = 0;     ///< swaps begun (a rider's Authorize, or an accepted RequestBatterySwap)
  std::uint64_t swaps_done = 0;        ///< BatteryOut acknowledged
  std::uint64_t swaps_refused = 0;     ///< Authorize answered other than Accepted
  std::uint64_t swaps_abandoned = 0;   ///< no free slot or pack, or the Authorize failed or was lost
  std::uint64_t swap_timeouts = 0;     ///< BatteryOutTimeout acknowledged
  std::uint64_t batteryswap_acked = 0; ///< BatterySwap messages acknowledged (In, Out and Timeout)
  std::uint64_t faults = 0;            ///< slot faults and alarms raised
  std::uint64_t repairs = 0;           ///< faults and alarms cleared
  std::uint64_t notify_events = 0;     ///< NotifyEvents acknowledged
  double rtt_p50_ms = 0;               ///< CALL round trips (send to answer), median
  double rtt_p99_ms = 0;               ///< 99th percentile
  double rtt_max_ms = 0;               ///< largest
  std::uint64_t rtt_samples = 0;       ///< how many round trips were measured
  std::map<std::string, rtt_summary> rtt_by_action;  ///< the same per action of our CALLs (BatterySwap, Authorize, ...)
};

/// The emulator: start() connects every cabinet, stop() closes them cleanly. Thread-safe.
class emulator {
 public:
  /// An emulator with these options; nothing connects until start().
  explicit emulator(emulator_options options);
  /// Stops if running.
  ~emulator();
  emulator(const emulator&) = delete;
  emulator& operator=(const emulator&) = delete;

  /// Loads the offline queues, starts the threads and connects every cabinet. False with a reason
  /// in *error when the URL or the state directory is unusable.
  bool start(std::string* error = nullptr);
  /// Closes every connection (waiting at most `grace` for the close handshakes), writes the
  /// offline queues and joins the threads. Idempotent. Not from an on_event callback.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds{2000});

  /// The counters now.
  emulator_counters counters() const;
  /// SN of cabinet `index` (0-based).
  std::string station_id(std::size_t index) const;
  /// Number of cabinets.
  std::size_t size() const;

  /// Sets a slot's connector status (1-based slot; "Available", "Occupied", "Faulted", ...) and
  /// sends a StatusNotification: a transaction message, kept until acknowledged.
  void set_slot_status(std::size_t index, int slot, const std::string& status);
  /// Rider `rider` (0-based: rider `rider + 1` of the layout) of cabinet `index` starts a swap now
  /// (Authorize, BatteryIn, BatteryOut), if they hold a pack and are not mid-swap.
  void start_swap(std::size_t index, int rider);
  /// Raises a fault on slot `slot` (1-based) of cabinet `index`: `kind` "problem" (slot Faulted,
  /// NotifyEvent Problem), "temperature" (Temperature 68.5) or "door" (DoorOpen); every kind takes
  /// the slot out of service (StatusNotification Faulted) until it clears after `fault_repair`.
  void fault(std::size_t index, int slot, const std::string& kind);
  /// Chaos: drops cabinet `index`'s socket without a close frame; it reconnects with back-off.
  void drop(std::size_t index);
  /// Chaos: cabinet `index` stops sending (heartbeats included) but keeps its socket, until it closes.
  void silence(std::size_t index);
  /// Chaos: cabinet `index` restarts: socket dropped, new boot id, reconnects at once and boots
  /// with reason ApplicationReset.
  void restart(std::size_t index);
  /// Chaos: every cabinet drops its socket and reconnects at once.
  void storm();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Reads a passwords file: one "SN PASSWORD" (or "SN,PASSWORD") a line; blank lines and lines
/// starting with '#' are skipped. False with a reason ("FILE:LINE: ...") in *error.
bool load_passwords(const std::string& file, std::map<std::string, std::string>& out, std::string* error);

/// Formats counters as one JSON object (for --json and logs).
std::string to_json(const emulator_counters& c);

}  // namespace swaptwin::adapters
