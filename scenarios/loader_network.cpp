// Loader steps for the network: agents, then stations with their packs.
#include <algorithm>
#include <cmath>

#include "scenarios/loader_internal.hpp"

namespace swaptwin::scenarios::detail {
namespace {

constexpr int max_slots = limit::slots;
constexpr std::size_t max_sn_chars = limit::sn_chars;  // OCPP identifier length

// splitmix64's finaliser: a well-mixed 64-bit value from any 64-bit value.
std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A SoC in [lo, hi] that depends only on the seed, the station SN and the slot (three decimals).
double drawn_soc(std::uint64_t seed, std::uint64_t sn_hash, int slot, double lo, double hi) {
  const std::uint64_t h = mix(seed ^ mix(sn_hash ^ mix(static_cast<std::uint64_t>(slot))));
  const double u = static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
  const double soc = std::round((lo + (hi - lo) * u) * 1000) / 1000;
  return std::clamp(soc, lo, hi);
}

std::string default_pack_sn(const std::string& station_sn, int slot) {
  return station_sn + "-P" + std::to_string(slot);
}

// Explicit packs of station `s` (read from `n`); `holder` maps a slot to the entry that fills it.
void read_packs(context& c, const v1::Scenario::Station& x, const node& n, station_spec& s,
                std::vector<std::string>& holder) {
  for (int j = 0; j < x.packs_size(); ++j) {
    const auto& y = x.packs(j);
    const node p = n.child("packs", j);
    pack_spec pk;
    pk.slot = y.slot();
    pk.model_id = y.model();
    if (y.has_soc()) pk.soc = y.soc();
    if (y.has_soh()) pk.soh = y.soh();
    known_model(c, p, "model", y.model());
    check(p, "soc", pk.soc, within(pk.soc, 0, 1), "a state of charge", "0..1");
    check(p, "soh", pk.soh, pk.soh > 0 && pk.soh <= 1, "a state of health", "more than 0, at most 1");
    const bool slot_ok = s.slots > 0 &&
                         check(p, "slot", y.slot(), y.slot() >= 1 && y.slot() <= s.slots, "a slot of this station",
                               "1.." + std::to_string(s.slots), true);
    bool slot_free = slot_ok;
    if (slot_ok) {
      auto& h = holder[static_cast<std::size_t>(pk.slot - 1)];
      slot_free = h.empty();
      if (!slot_free)
        p.fail("slot", "slot " + std::to_string(pk.slot) + " already holds " + h + " (expected one pack per slot)");
      else
        h = p.path();
    }
    pk.sn = y.sn().empty() ? default_pack_sn(s.sn, pk.slot) : y.sn();
    if (chars(pk.sn) > max_sn_chars)  // a generated SN too: "<station SN>-P<slot>"
      p.fail("sn", std::to_string(chars(pk.sn)) + " characters (expected at most 50)");
    else if (!y.sn().empty() || slot_free)  // a generated SN repeats only when the slot does
      c.packs.add(pk.sn, p, y.sn().empty() ? "slot" : "sn", twin::errc::invalid_argument, "pack serial number");
    s.packs.push_back(std::move(pk));
  }
}

// `fill` shorthands of station `s`: packs in the lowest free slots.
void read_fills(context& c, const v1::Scenario::Station& x, const node& n, station_spec& s,
                std::vector<std::string>& holder) {
  const std::uint64_t sn_hash = fnv1a(s.sn);
  for (int j = 0; j < x.fill_size(); ++j) {
    const auto& y = x.fill(j);
    const node f = n.child("fill", j);
    const bool model_ok = known_model(c, f, "model", y.model());
    const double hi = y.has_soc_max() ? y.soc_max() : 1.0;
    const double lo = y.has_soc_min() ? y.soc_min() : hi;
    const double soh = y.has_soh() ? y.soh() : 1.0;
    bool fine = check(f, "soc_min", lo, within(lo, 0, 1), "a state of charge", "0..1");
    fine &= check(f, "soc_max", hi, within(hi, 0, 1), "a state of charge", "0..1");
    if (fine && lo > hi) {
      f.fail("soc_min", num(lo) + " is above soc_max " + num(hi) + " (expected soc_min <= soc_max)");
      fine = false;
    }
    fine &= check(f, "soh", soh, soh > 0 && soh <= 1, "a state of health", "more than 0, at most 1");
    if (!check(f, "count", y.count(), y.count() > 0, "a pack count", "1 or more", true) || !model_ok || !fine) continue;
    const auto free = static_cast<int>(std::count(holder.begin(), holder.end(), std::string{}));
    if (y.count() > free) {
      f.fail("count", std::to_string(y.count()) + " packs do not fit in the " + std::to_string(free) +
                          " free slots of " + std::to_string(s.slots) + " (expected at most " + std::to_string(free) +
                          ")");
      continue;
    }
    int left = y.count();
    for (int slot = 1; slot <= s.slots && left > 0; ++slot) {
      auto& h = holder[static_cast<std::size_t>(slot - 1)];
      if (!h.empty()) continue;
      h = f.path();
      --left;
      pack_spec pk{slot, y.model(), drawn_soc(c.out.seed, sn_hash, slot, lo, hi), soh, default_pack_sn(s.sn, slot)};
      c.packs.add(pk.sn, f, "count", twin::errc::invalid_argument, "pack serial number");
      s.packs.push_back(std::move(pk));
    }
  }
}

}  // namespace

void read_agents(context& c) {
  for (int i = 0; i < c.msg.agents_size(); ++i) {
    const auto& x = c.msg.agents(i);
    const node n = c.root.child("agents", i);
    agent_spec a;
    a.id = x.id();
    a.name = x.name().empty() ? x.id() : x.name();
    a.region = x.region();
    if (x.id().empty())
      n.fail("id", "missing (expected an agent id like \"a1\")");
    else
      c.agents.add(x.id(), n, "id", twin::errc::agent_duplicate, "agent id");
    a.base = read_point(n, x.has_lat(), x.lat(), x.has_lon(), x.lon());
    if (x.has_speed_kmh()) a.speed_kmh = x.speed_kmh();
    if (x.has_shift_start_h()) a.shift_start_h = x.shift_start_h();
    if (x.has_shift_end_h()) a.shift_end_h = x.shift_end_h();
    if (x.has_repair_min()) a.repair_min = x.repair_min();
    if (check(n, "speed_kmh", a.speed_kmh, a.speed_kmh >= 1, "a speed", "km/h, at least 1"))
      at_most(n, "speed_kmh", a.speed_kmh, 200, "km/h", "the speed is in km/h");
    const bool start_ok = check(n, "shift_start_h", a.shift_start_h, a.shift_start_h >= 0 && a.shift_start_h <= 23,
                                "an hour", "0..23");
    const bool end_ok =
        check(n, "shift_end_h", a.shift_end_h, a.shift_end_h >= 1 && a.shift_end_h <= 24, "an hour", "1..24");
    if (start_ok && end_ok && a.shift_end_h == a.shift_start_h)
      n.fail("shift_end_h", std::to_string(a.shift_end_h) + " leaves an empty shift (expected an hour other than " +
                                std::to_string(a.shift_start_h) + "; 0 to 24 is all day)");
    if (check(n, "repair_min", a.repair_min, a.repair_min > 0, "a repair time", "minutes, more than 0"))
      at_most(n, "repair_min", a.repair_min, 10080, "minutes", "a week; the time is in minutes");
    c.out.agents.push_back(std::move(a));
  }
}

void read_stations(context& c) {
  if (c.msg.stations_size() == 0) c.root.fail("stations", "missing (expected at least one station)");
  c.out.stations.reserve(static_cast<std::size_t>(c.msg.stations_size()));
  for (int i = 0; i < c.msg.stations_size(); ++i) {
    const auto& x = c.msg.stations(i);
    const node n = c.root.child("stations", i);
    station_spec s;
    s.sn = x.sn();
    s.name = x.name().empty() ? x.sn() : x.name();
    if (x.sn().empty())
      n.fail("sn", "missing (expected a serial number)");
    else if (chars(x.sn()) > max_sn_chars)
      n.fail("sn", std::to_string(chars(x.sn())) + " characters (expected at most 50)");
    else
      c.stations.add(x.sn(), n, "sn", twin::errc::station_duplicate, "serial number");
    s.location = read_point(n, x.has_lat(), x.lat(), x.has_lon(), x.lon());
    if (check(n, "slots", x.slots(), x.slots() > 0 && x.slots() <= max_slots, "a slot count",
              "1.." + std::to_string(max_slots), true))
      s.slots = x.slots();
    s.charger_power_w = x.charger_power_w();
    s.power_cap_w = x.power_cap_w();
    if (check(n, "charger_power_w", s.charger_power_w, s.charger_power_w > 0, "a charger power",
              "W per slot, more than 0", true))
      at_most(n, "charger_power_w", s.charger_power_w, 100000, "W per slot", "the power is in watts");
    if (check(n, "power_cap_w", s.power_cap_w, s.power_cap_w > 0, "a site power cap", "W, more than 0", true))
      at_most(n, "power_cap_w", s.power_cap_w, 100000000, "W", "the power is in watts");
    s.agent_id = x.agent();
    if (!x.agent().empty() && !c.agents.has(x.agent())) {
      std::vector<std::string> ids;
      for (const auto& a : c.out.agents) ids.push_back(a.id);
      n.fail("agent", "unknown agent " + quoted(x.agent()) + " (expected " + one_of(ids) + ")",
             twin::errc::agent_unknown);
    }
    std::vector<std::string> holder(static_cast<std::size_t>(s.slots));  // entry holding each slot
    read_packs(c, x, n, s, holder);
    if (s.slots > 0) read_fills(c, x, n, s, holder);
    std::stable_sort(s.packs.begin(), s.packs.end(), [](const pack_spec& a, const pack_spec& b) { return a.slot < b.slot; });
    c.out.stations.push_back(std::move(s));
  }
}

}  // namespace swaptwin::scenarios::detail
