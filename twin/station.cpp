#include "twin/station.hpp"

#include "twin/text.hpp"

#include <algorithm>
#include <cctype>

namespace swaptwin::twin {

std::string_view to_string(slot_state s) noexcept {
  switch (s) {
    case slot_state::empty: return "empty";
    case slot_state::charging: return "charging";
    case slot_state::ready: return "ready";
    case slot_state::fault: return "fault";
    case slot_state::disabled: return "disabled";
  }
  return "empty";
}

bool from_string(std::string_view s, slot_state& out) noexcept {
  for (auto v : {slot_state::empty, slot_state::charging, slot_state::ready, slot_state::fault, slot_state::disabled})
    if (to_string(v) == s) {
      out = v;
      return true;
    }
  return false;
}

std::string_view to_string(registration r) noexcept {
  switch (r) {
    case registration::accepted: return "accepted";
    case registration::pending: return "pending";
    case registration::rejected: return "rejected";
  }
  return "accepted";
}

bool from_string(std::string_view s, registration& out) noexcept {
  for (auto r : {registration::accepted, registration::pending, registration::rejected})
    if (s == to_string(r)) {
      out = r;
      return true;
    }
  return false;
}

status set_slot_disabled(station& s, int index, bool disabled) {
  if (index < 1 || index > static_cast<int>(s.slots.size()))
    return error{errc::invalid_argument, "station " + s.sn + " has no slot " + std::to_string(index) + " (it has " +
                                             std::to_string(s.slots.size()) + ")"};
  auto& list = s.desired.disabled_slots;
  auto it = std::lower_bound(list.begin(), list.end(), index);
  const bool present = it != list.end() && *it == index;
  if (disabled && !present) list.insert(it, index);
  if (!disabled && present) list.erase(it);
  return done{};
}

std::string validate_sn(std::string_view sn) {
  if (sn.empty()) return "SN must not be empty";
  if (sn.size() > 50) return "SN must be at most 50 characters";
  for (char c : sn)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return "SN may contain only letters, digits, '-', '_' and '.'";
  return {};
}

status rename(station& s, std::string_view name) {
  auto clean = clean_name(name, "the name of station " + s.sn, errc::name_empty);
  if (!clean) return clean.err();
  s.desired.name = std::move(*clean);
  return done{};
}

std::vector<setting_change> pending_changes(const station& s) {
  std::vector<setting_change> out;
  const auto& d = s.desired;
  const auto& r = s.reported;
  if (d.name != r.name) out.push_back({"name", d.name});
  if (d.power_cap_w != r.power_cap_w) out.push_back({"power_cap_w", std::to_string(d.power_cap_w)});
  if (d.enabled != r.enabled) out.push_back({"enabled", d.enabled ? "true" : "false"});
  auto has = [](const std::vector<int>& v, int i) { return std::find(v.begin(), v.end(), i) != v.end(); };
  std::vector<int> all = d.disabled_slots;
  all.insert(all.end(), r.disabled_slots.begin(), r.disabled_slots.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  for (int i : all)
    if (has(d.disabled_slots, i) != has(r.disabled_slots, i))
      out.push_back({"slot." + std::to_string(i) + ".enabled", has(d.disabled_slots, i) ? "false" : "true"});
  return out;
}

bool slot_disabled(const station& s, int index) {
  for (const auto* list : {&s.desired.disabled_slots, &s.reported.disabled_slots})
    if (std::find(list->begin(), list->end(), index) != list->end()) return true;
  if (index < 1 || index > static_cast<int>(s.slots.size())) return true;
  return s.slots[static_cast<size_t>(index - 1)].state == slot_state::disabled;
}

int ready_count(const station& s, std::string_view model_id) {
  int n = 0;
  for (const auto& sl : s.slots)
    if (sl.state == slot_state::ready && sl.model_id == model_id && !slot_disabled(s, sl.index)) ++n;
  return n;
}

int free_count(const station& s) {
  int n = 0;
  for (const auto& sl : s.slots)
    if (sl.state == slot_state::empty && !sl.door_open && !slot_disabled(s, sl.index)) ++n;
  return n;
}

int first_free_slot(const station& s) {
  for (const auto& sl : s.slots)
    if (sl.state == slot_state::empty && !sl.door_open && !slot_disabled(s, sl.index)) return sl.index;
  return 0;
}

station make_station(std::string sn, std::string name, geo_point where, int slot_count, int power_cap_w,
                     unix_ms now) {
  station s;
  s.sn = std::move(sn);
  s.location = where;
  for (int i = 1; i <= slot_count; ++i) s.slots.push_back(slot{i, slot_state::empty, false, {}, {}, 0.0, 0});
  s.desired.name = std::move(name);
  s.desired.power_cap_w = power_cap_w;
  s.reported = s.desired;
  s.created_at = now;
  return s;
}

}  // namespace swaptwin::twin
