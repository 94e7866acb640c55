// A cabinet's persistent state (slots, riders, id counters) and the choices swaps make over it.
#include "adapters/emulator_state.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace swaptwin::adapters::emulation {

using json = nlohmann::json;

cabinet_state cabinet_state::initial(const layout::station& st) {
  cabinet_state s;
  for (const auto& sl : st.slots) {
    slot_state x;
    if (sl.full) {
      x.pack = sl.content.sn;
      x.soc = sl.content.soc * 100;
      x.soh = sl.content.soh * 100;
    }
    s.slots.push_back(x);
  }
  for (const auto& r : st.riders) s.riders.push_back({r.id, r.holding.sn, r.holding.soc * 100, r.holding.soh * 100});
  return s;
}

std::string cabinet_state::status(int slot) const {
  if (slot < 1 || slot > static_cast<int>(slots.size())) return "Unavailable";
  const auto& x = slots[static_cast<std::size_t>(slot - 1)];
  if (!x.forced.empty()) return x.forced;
  if (!x.fault.empty()) return "Faulted";
  if (x.unavailable) return "Unavailable";
  return x.pack.empty() ? "Available" : "Occupied";
}

bool cabinet_state::usable(int slot) const {
  if (slot < 1 || slot > static_cast<int>(slots.size())) return false;
  const auto& x = slots[static_cast<std::size_t>(slot - 1)];
  return x.forced.empty() && x.fault.empty() && !x.unavailable;
}

int cabinet_state::empty_slot() const {
  for (int i = 1; i <= static_cast<int>(slots.size()); ++i)
    if (usable(i) && slots[static_cast<std::size_t>(i - 1)].pack.empty()) return i;
  return 0;
}

int cabinet_state::fullest_slot(int except) const {
  int best = 0;
  for (int i = 1; i <= static_cast<int>(slots.size()); ++i) {
    const auto& x = slots[static_cast<std::size_t>(i - 1)];
    if (i == except || !usable(i) || x.pack.empty()) continue;
    if (!best || x.soc > slots[static_cast<std::size_t>(best - 1)].soc) best = i;
  }
  return best;
}

void cabinet_state::charge(double percent) {
  if (percent <= 0) return;
  for (auto& x : slots)
    if (!x.pack.empty() && x.fault.empty() && !x.unavailable) x.soc = std::min(100.0, x.soc + percent);
}

std::int64_t cabinet_state::take_request_id() {
  if (next_request_id < 1 || next_request_id >= 1000000000) next_request_id = 1;
  return next_request_id++;
}

json cabinet_state::to_json() const {
  json j{{"next_request_id", next_request_id}, {"next_event_id", next_event_id}, {"slots", json::array()},
         {"riders", json::array()}};
  for (const auto& x : slots)
    j["slots"].push_back({{"pack", x.pack}, {"soc", x.soc}, {"soh", x.soh}, {"unavailable", x.unavailable}});
  for (const auto& r : riders) j["riders"].push_back({{"id", r.id}, {"pack", r.pack}, {"soc", r.soc}, {"soh", r.soh}});
  return j;
}

bool cabinet_state::from_json(const json& j) {
  if (!j.is_object() || !j.contains("slots") || !j["slots"].is_array() || !j.contains("riders") ||
      !j["riders"].is_array())
    return false;
  try {
    next_request_id = j.value("next_request_id", std::int64_t{1});
    next_event_id = j.value("next_event_id", std::int64_t{1});
    for (std::size_t i = 0; i < slots.size() && i < j["slots"].size(); ++i) {
      const auto& x = j["slots"][i];
      slots[i].pack = x.value("pack", std::string{});
      slots[i].soc = x.value("soc", 0.0);
      slots[i].soh = x.value("soh", 100.0);
      slots[i].unavailable = x.value("unavailable", false);
    }
    for (std::size_t i = 0; i < riders.size() && i < j["riders"].size(); ++i) {
      const auto& r = j["riders"][i];
      if (r.value("id", std::string{}) != riders[i].id) continue;  // another layout: keep this one's rider
      riders[i].pack = r.value("pack", std::string{});
      riders[i].soc = r.value("soc", 0.0);
      riders[i].soh = r.value("soh", 100.0);
    }
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

bool load_state(const std::string& path, cabinet_state& s, std::string* error) {
  if (path.empty()) return false;
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  const auto j = json::parse(text.str(), nullptr, false);
  cabinet_state copy = s;
  if (j.is_discarded() || !copy.from_json(j)) {
    if (error) *error = path + ": not a cabinet state (starting from the layout)";
    return false;
  }
  s = std::move(copy);
  return true;
}

void save_state(const std::string& path, const cabinet_state& s) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp";
  if (std::FILE* f = std::fopen(tmp.c_str(), "w")) {
    const auto text = s.to_json().dump() + "\n";
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) == 0 && ok) std::rename(tmp.c_str(), path.c_str());  // the old state or the new, never half
  }
}

}  // namespace swaptwin::adapters::emulation
