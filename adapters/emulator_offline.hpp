#pragma once
/// Internal to the cabinet emulator (adapters/emulator.cpp): a cabinet's queue of transaction
/// messages not yet acknowledged by the server, mirrored by an append-only JSON-lines file so that
/// a restarted emulator loses nothing. No Asio here; one cabinet's strand owns each queue.

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace swaptwin::adapters::emulation {

/// One transaction message (a CALL the cabinet must get acknowledged).
struct offline_entry {
  std::string action;                                 ///< "StatusNotification", "BatterySwap", "NotifyEvent"
  nlohmann::json payload = nlohmann::json::object();  ///< the request payload, timestamp included
  /// What the cabinet needs once it is acknowledged (BatterySwap: rider, packs), not sent.
  nlohmann::json meta = nlohmann::json::object();
  std::string message_id;  ///< set once sent: a resend reuses it so the server can recognise it
  bool replay = false;     ///< queued while not accepted, or loaded from the file
};

/// The queue and its file (<dir>/<SN>.jsonl, one entry a line).
class offline_queue {
 public:
  /// Uses `path` (empty: memory only) and loads what a previous run left there (those entries are
  /// replays). False with a reason in *error when the file exists but cannot be read.
  bool open(std::string path, std::string* error);
  /// Appends an entry (and its line to the file).
  void push(offline_entry e);
  /// Whether nothing waits.
  bool empty() const noexcept { return entries_.empty(); }
  /// Entries waiting.
  std::size_t size() const noexcept { return entries_.size(); }
  /// Every entry waiting, oldest first.
  const std::deque<offline_entry>& entries() const noexcept { return entries_; }
  /// The oldest entry (the next to send).
  offline_entry& front() { return entries_.front(); }
  /// The oldest entry was sent with message id `id` (kept for a resend; written at persist()).
  void set_front_id(std::string id) {
    entries_.front().message_id = std::move(id);
    dirty_ = true;
  }
  /// Every waiting entry becomes a replay (the connection that might have delivered it is gone).
  void mark_replays() {
    for (auto& e : entries_) e.replay = true;
  }
  /// The oldest entry was acknowledged: removes it; the file is truncated when nothing is left.
  void pop_front();
  /// Rewrites the file with the entries still waiting (after acknowledgements), e.g. on a
  /// disconnect or at stop. Cheap when nothing changed.
  void persist();

 private:
  void write_all();
  std::string path_;
  std::deque<offline_entry> entries_;
  bool dirty_ = false;  // the file holds acknowledged entries (or ids it lacks) until persist()
};

}  // namespace swaptwin::adapters::emulation
