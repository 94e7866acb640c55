#pragma once
/// Internal to the cabinet emulator: what one cabinet holds (packs in its slots, its riders' packs,
/// its counters of request and event ids), persisted as `<state_dir>/<SN>.state.json` so that a
/// restarted emulator goes on where it stopped. No Asio here; one cabinet's strand owns each state.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/live_layout.hpp"

namespace swaptwin::adapters::emulation {

/// One slot (EVSE) of a cabinet.
struct slot_state {
  std::string pack;          ///< SN of the pack in it, empty when empty
  double soc = 0;            ///< its state of charge, percent
  double soh = 100;          ///< its state of health, percent
  bool unavailable = false;  ///< ChangeAvailability Inoperative (persisted)
  std::string fault;         ///< "", "problem", "temperature", "door" (not persisted: a restart clears it)
  std::string forced;        ///< status set by emulator::set_slot_status (not persisted)
};

/// One rider of a cabinet.
struct rider_state {
  std::string id;    ///< "<SN>-R<rr>"
  std::string pack;  ///< the pack they hold, empty when none (they stop swapping)
  double soc = 0;    ///< its state of charge, percent
  double soh = 100;  ///< its state of health, percent
};

/// Everything a cabinet remembers across restarts.
struct cabinet_state {
  std::vector<slot_state> slots;    ///< index = slot - 1
  std::vector<rider_state> riders;  ///< index = rider - 1
  std::int64_t next_request_id = 1;  ///< BatterySwap requestId of the next swap the cabinet starts
  std::int64_t next_event_id = 1;    ///< NotifyEvent eventId of the next event

  /// The state at provisioning (live_layout), SoC in percent.
  static cabinet_state initial(const layout::station& s);
  /// OCPP connectorStatus of slot `slot` (1-based): the forced one, else Faulted, Unavailable,
  /// Occupied or Available.
  std::string status(int slot) const;
  /// Whether a swap may use slot `slot` (in range, not faulted, not unavailable, nothing forced).
  bool usable(int slot) const;
  /// The lowest usable empty slot, 0 when none.
  int empty_slot() const;
  /// The usable slot with a pack and the highest SoC (lowest number on a tie), other than
  /// `except`; 0 when none.
  int fullest_slot(int except = 0) const;
  /// Charges every pack in a working slot by `percent` (capped at 100).
  void charge(double percent);
  /// A request id for a swap the cabinet starts: 1, 2, ... below 1,000,000,000 (the server's ids
  /// start there), then 1 again.
  std::int64_t take_request_id();

  /// As JSON (the persisted fields only).
  nlohmann::json to_json() const;
  /// Reads what to_json wrote over this state (slots and riders beyond the layout's are ignored,
  /// missing ones keep their layout values). False when `j` is not such an object.
  bool from_json(const nlohmann::json& j);
};

/// Loads `path` into `s`; true when it existed and was read (false: s unchanged; *error set when
/// the file exists but is not a state).
bool load_state(const std::string& path, cabinet_state& s, std::string* error);
/// Writes `s` to `path` atomically (temp file + rename). Empty path: nothing.
void save_state(const std::string& path, const cabinet_state& s);

}  // namespace swaptwin::adapters::emulation
