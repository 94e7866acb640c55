#pragma once
/// Stations (cabinets) and their slots, with reported and desired state kept apart.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twin/errors.hpp"
#include "twin/geo.hpp"
#include "twin/time.hpp"

namespace swaptwin::twin {

/// What a slot is doing.
enum class slot_state : std::uint8_t { empty, charging, ready, fault, disabled };
/// "empty", "charging", "ready", "fault", "disabled".
std::string_view to_string(slot_state s) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, slot_state& out) noexcept;

/// One slot (an EVSE in OCPP terms) as last reported by the cabinet.
struct slot {
  int index = 0;                 ///< 1-based, as cabinets and OCPP number them
  slot_state state = slot_state::empty;
  bool door_open = false;
  std::string battery_sn;        ///< pack in the slot, empty when none
  std::string model_id;          ///< model of that pack
  double soc = 0.0;              ///< its state of charge
  int charge_power_w = 0;        ///< power the slot's charger draws now
};

/// Settings an operator controls. Kept twice: what the cabinet reported and what we want.
struct station_settings {
  std::string name;               ///< display name
  int power_cap_w = 0;            ///< site power cap shared by the slots
  bool enabled = true;            ///< false: out of service
  std::vector<int> disabled_slots;  ///< slot indices taken out of service, sorted
};

/// Connection state of the cabinet.
struct connectivity {
  bool online = false;
  std::optional<unix_ms> last_seen;
  std::string boot_id;            ///< changes at every cabinet boot
};

/// A swap cabinet. The SN never changes; everything else may.
/// Whether the operator commissioned a station. A cabinet that connects with an SN nobody
/// registered is held `pending` until an operator accepts it (no silent auto-commissioning);
/// a `rejected` one is told so at every boot.
enum class registration : std::uint8_t { accepted, pending, rejected };
/// "accepted", "pending", "rejected".
std::string_view to_string(registration r) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, registration& out) noexcept;

struct station {
  std::string sn;
  geo_point location;
  std::vector<slot> slots;        ///< index i holds slot number i + 1
  std::string agent_id;           ///< field agent responsible, empty when none
  std::string firmware;
  connectivity link;
  station_settings desired;       ///< what the operator asked for (source of the display name)
  station_settings reported;      ///< what the cabinet last said it runs with
  unix_ms created_at{};
  registration reg = registration::accepted;

  /// The display name (the operator's, whether or not the cabinet has applied it yet).
  const std::string& name() const { return desired.name; }
};

/// Checks an SN: 1..50 characters of letters, digits, '-', '_' or '.'. Empty when fine.
std::string validate_sn(std::string_view sn);

/// Renames `s` (desired state): trims blanks; refuses an empty name (station.name_empty), and
/// text that is not UTF-8, has control characters or over 64 characters (input.invalid).
status rename(station& s, std::string_view name);

/// Takes slot `index` (1-based) out of service or puts it back (desired state, pushed to the
/// cabinet when it is online or reconnects). A slot that does not exist: input.invalid.
status set_slot_disabled(station& s, int index, bool disabled);

/// One difference between desired and reported settings, to push to the cabinet on reconnect.
struct setting_change {
  std::string field;  ///< "name", "power_cap_w", "enabled", "slot.3.enabled"
  std::string value;  ///< desired value as text
  friend bool operator==(const setting_change& a, const setting_change& b) {
    return a.field == b.field && a.value == b.value;
  }
};

/// Everything desired that the cabinet has not reported back yet, in a stable order.
std::vector<setting_change> pending_changes(const station& s);

/// True when slot `index` (1-based) is disabled by the operator, reported disabled by the cabinet
/// (in its settings or its slot state), or does not exist.
bool slot_disabled(const station& s, int index);

/// Count of slots holding a ready pack of `model_id`.
int ready_count(const station& s, std::string_view model_id);

/// Count of slots that are empty and in service (can take a returned pack).
int free_count(const station& s);

/// The lowest-numbered slot that is empty and in service, or 0 when there is none.
int first_free_slot(const station& s);

/// Builds a station with `slot_count` empty slots; desired and reported settings start equal.
station make_station(std::string sn, std::string name, geo_point where, int slot_count, int power_cap_w,
                     unix_ms now);

}  // namespace swaptwin::twin
