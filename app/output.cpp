#include "app/output.hpp"

#include <algorithm>
#include <iomanip>
#include <ostream>

namespace swaptwin::app {

using namespace twin;

namespace {
// Display width of UTF-8 text: count code points, not bytes (good enough for names and symbols).
size_t width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}
}  // namespace

void table::print(std::ostream& os) const {
  std::vector<size_t> w(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) w[i] = width(headers_[i]);
  for (const auto& r : rows_)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < w.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      out += cell;
      if (i + 1 < w.size()) out += std::string(w[i] - width(cell) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    os << out << '\n';
  };
  line(headers_);
  std::vector<std::string> rule;
  for (auto n : w) rule.push_back(std::string(n, '-'));
  line(rule);
  if (rows_.empty()) os << "(none)\n";
  for (const auto& r : rows_) line(r);
}

void print_json(std::ostream& os, const json& j) { os << j.dump(2) << '\n'; }

std::string when(const std::optional<unix_ms>& t, const char* none) { return t ? format_instant(*t) : none; }

namespace {
json opt_instant(const std::optional<unix_ms>& t) { return t ? json(format_instant(*t)) : json(nullptr); }
}  // namespace

json to_json(const station& s, bool with_slots) {
  json ready = json::object();
  for (const auto& sl : s.slots)
    if (sl.state == slot_state::ready && !slot_disabled(s, sl.index)) ready[sl.model_id] = ready.value(sl.model_id, 0) + 1;
  json pending = json::array();
  for (const auto& c : pending_changes(s)) pending.push_back({{"field", c.field}, {"value", c.value}});
  json j{{"sn", s.sn},
         {"name", s.name()},
         {"registration", to_string(s.reg)},
         {"lat", s.location.lat},
         {"lon", s.location.lon},
         {"slots", s.slots.size()},
         {"power_cap_w", s.desired.power_cap_w},
         {"enabled", s.desired.enabled},
         {"agent_id", s.agent_id.empty() ? json(nullptr) : json(s.agent_id)},
         {"online", s.link.online},
         {"last_seen", opt_instant(s.link.last_seen)},
         {"firmware", s.firmware},
         {"ready_packs", ready},
         {"free_slots", free_count(s)},
         {"pending_changes", pending}};
  if (with_slots) {
    json slots = json::array();
    for (const auto& sl : s.slots)
      slots.push_back({{"index", sl.index},
                       {"state", to_string(sl.state)},
                       {"disabled", slot_disabled(s, sl.index)},
                       {"door_open", sl.door_open},
                       {"battery_sn", sl.battery_sn.empty() ? json(nullptr) : json(sl.battery_sn)},
                       {"model_id", sl.model_id.empty() ? json(nullptr) : json(sl.model_id)},
                       {"soc", sl.soc},
                       {"charge_power_w", sl.charge_power_w}});
    j["slot_list"] = slots;
  }
  return j;
}

json to_json(const rider& r, const std::optional<country_policy>& policy, unix_ms now) {
  json deposits = json::object();
  for (const auto& [model, amount] : r.deposits) deposits[model] = {{"minor", amount.minor}, {"currency", amount.currency}};
  json plan = nullptr;
  if (r.plan) {
    const auto& s = *r.plan;
    plan = {{"plan_id", s.plan_id},       {"kind", to_string(s.kind)},  {"status", to_string(status_at(s, now))},
            {"started_at", format_instant(s.started_at)}, {"expires_at", opt_instant(s.expires_at)},
            {"swaps_used", s.swaps_used}, {"swap_cap", s.swap_cap},     {"km_left", s.km_left_m / 1000.0},
            {"swaps_left", s.swaps_left}, {"metered", s.metered}};
  }
  return json{{"id", r.id},
              {"name", r.name},
              {"country", r.country},
              {"phone", r.phone},
              {"birth_date", r.birth_date ? json(format_date(*r.birth_date)) : json(nullptr)},
              {"kyc", to_string(r.kyc)},
              {"kyc_documents", r.kyc_documents},
              {"kyc_note", r.kyc_note},
              {"wh_per_km", r.wh_per_km},
              {"balance_minor", r.balance_minor},
              {"currency", policy ? json(policy->currency) : json(nullptr)},
              {"owed_since", opt_instant(r.owed_since)},
              {"deposits", deposits},
              {"holding_sn", r.holding_sn.empty() ? json(nullptr) : json(r.holding_sn)},
              {"holding_model", r.holding_model.empty() ? json(nullptr) : json(r.holding_model)},
              {"plan", plan},
              {"created_at", format_instant(r.created_at)}};
}

json to_json(const plan& p) {
  return json{{"id", p.id},
              {"name", p.name},
              {"kind", to_string(p.kind)},
              {"currency", p.currency},
              {"price_minor", p.price_minor},
              {"period", p.kind == plan_kind::period ? json(to_string(p.period)) : json(nullptr)},
              {"swap_cap", p.swap_cap},
              {"bundle_km", p.bundle_km},
              {"bundle_swaps", p.bundle_swaps},
              {"unit_price_minor", p.unit_price_minor},
              {"retired", p.retired},
              {"description", describe(p)}};
}

json to_json(const country_policy& p) {
  return json{{"code", p.country},         {"currency", p.currency},       {"kyc_documents", p.kyc_documents},
              {"min_age", p.min_age_years}, {"terms", to_string(p.terms)}, {"grace_days", p.grace_days},
              {"tax_rate_bp", p.tax_rate_bp}};
}

json to_json(const adapters::dashboard& d) {
  json mix = json::array();
  for (const auto& row : d.plan_mix)
    mix.push_back({{"plan_id", row.plan_id}, {"name", row.name}, {"kind", row.kind}, {"active", row.active}});
  return json{{"timezone", d.timezone},
              {"day", d.day},
              {"day_start", format_instant(d.day_start)},
              {"day_end", format_instant(d.day_end)},
              {"revenue_today", d.revenue_today},
              {"revenue_by_plan_kind", d.revenue_by_plan_kind},
              {"plans_sold_today", d.plans_sold_today},
              {"deposits_held", d.deposits_held},
              {"riders_active_today", d.riders_active_today},
              {"riders_new_today", d.riders_new_today},
              {"riders_total", d.riders_total},
              {"plan_mix", mix},
              {"swaps_today", d.swaps_today},
              {"stations_online", d.stations_online},
              {"stations_offline", d.stations_offline},
              {"work_orders_open", d.work_orders_open}};
}

namespace {
// 12345 -> "12,345": counts for people.
std::string count(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}
}  // namespace

void print_dashboard(std::ostream& os, const adapters::dashboard& d) {
  os << "Dashboard for " << d.day << " (" << d.timezone << ")\n\n";
  os << "Revenue today      ";
  if (d.revenue_today.empty()) os << "none";
  bool first = true;
  for (const auto& [cur, minor] : d.revenue_today) {
    os << (first ? "" : ", ") << format_money_human(money{minor, cur});
    first = false;
  }
  os << '\n';
  for (const auto& [cur, kinds] : d.revenue_by_plan_kind) {
    os << "  " << cur << " by plan kind:";
    for (const auto& [kind, minor] : kinds) os << "  " << kind << " " << format_money_human(money{minor, cur});
    os << '\n';
  }
  os << "Swaps today        " << count(d.swaps_today) << '\n';
  os << "Riders today       " << count(d.riders_active_today) << " active, " << count(d.riders_new_today) << " new ("
     << count(d.riders_total) << " in all)\n";
  os << "Plans sold today   ";
  if (d.plans_sold_today.empty()) os << "none";
  first = true;
  for (const auto& [kind, n] : d.plans_sold_today) {
    os << (first ? "" : ", ") << count(n) << " " << kind;
    first = false;
  }
  os << '\n';
  os << "Deposits held      ";
  if (d.deposits_held.empty()) os << "none";
  first = true;
  for (const auto& [cur, minor] : d.deposits_held) {
    os << (first ? "" : ", ") << format_money_human(money{minor, cur});
    first = false;
  }
  os << '\n';
  os << "Stations           " << count(d.stations_online) << " online, " << count(d.stations_offline) << " offline\n";
  os << "Open work orders   " << count(d.work_orders_open) << "\n\n";
  table t{{"PLAN", "KIND", "ACTIVE RIDERS", "NAME"}};
  for (const auto& row : d.plan_mix) t.add({row.plan_id, row.kind, count(row.active), row.name});
  os << "Plan mix\n";
  t.print(os);
}

}  // namespace swaptwin::app
