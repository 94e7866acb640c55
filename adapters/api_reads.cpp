// The operator API's reads (api_internal.hpp): one JSON shape per resource, lists and details.
#include <algorithm>
#include <map>
#include <stdexcept>

#include "adapters/api_internal.hpp"

namespace swaptwin::adapters::api_detail {

using namespace twin;

namespace {

json opt_instant(const std::optional<unix_ms>& t) { return t ? json(format_instant(*t)) : json(nullptr); }
json opt_text(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json pack_json(const battery& b) {
  return {{"sn", b.sn}, {"model_id", b.model_id}, {"soc", b.soc}, {"soh", b.soh}, {"cycles", b.cycles},
          {"temperature_c", b.temperature_c}, {"place", to_string(b.place)}, {"place_ref", opt_text(b.place_ref)},
          {"energy_in_wh", b.energy_in_wh}, {"energy_out_wh", b.energy_out_wh}};
}

json plan_json(const plan& p) {
  return {{"id", p.id}, {"name", p.name}, {"kind", to_string(p.kind)}, {"currency", p.currency},
          {"price_minor", p.price_minor}, {"period", to_string(p.period)}, {"swap_cap", p.swap_cap},
          {"bundle_km", p.bundle_km}, {"bundle_swaps", p.bundle_swaps}, {"unit_price_minor", p.unit_price_minor},
          {"retired", p.retired}, {"description", describe(p)}};
}

json dashboard_json(const dashboard& d) {
  json plans = json::array();
  for (const auto& p : d.plan_mix) plans.push_back({{"plan_id", p.plan_id}, {"name", p.name}, {"kind", p.kind}, {"active", p.active}});
  return {{"timezone", d.timezone}, {"day", d.day}, {"revenue_today", d.revenue_today},
          {"revenue_by_plan_kind", d.revenue_by_plan_kind}, {"plans_sold_today", d.plans_sold_today},
          {"deposits_held", d.deposits_held}, {"riders_active_today", d.riders_active_today},
          {"riders_new_today", d.riders_new_today}, {"riders_total", d.riders_total}, {"plan_mix", plans},
          {"swaps_today", d.swaps_today}, {"stations_online", d.stations_online},
          {"stations_offline", d.stations_offline}, {"work_orders_open", d.work_orders_open}};
}

// ?offset=N&limit=M of a long list (riders, packs): nullopt and a 400 in *bad when malformed.
struct page {
  std::size_t offset = 0, limit = 1000;
};
constexpr std::size_t max_page = 10000;

std::optional<page> page_of(const query_params& query, api_response& bad) {
  page pg;
  for (auto [name, out, most] : {std::tuple{"offset", &pg.offset, std::size_t{1} << 40},
                                 std::tuple{"limit", &pg.limit, max_page}}) {
    auto v = query_param(query, name);
    if (!v) continue;
    if (v->empty() || v->size() > 12 || v->find_first_not_of("0123456789") != std::string::npos ||
        std::stoull(*v) > most || (std::string_view{name} == "limit" && std::stoull(*v) == 0)) {
      bad = fail(400, "input.invalid",
                 std::string{name} + " must be a whole number" +
                     (std::string_view{name} == "limit" ? " from 1 to " + std::to_string(max_page) : std::string{}),
                 name);
      return std::nullopt;
    }
    *out = std::stoull(*v);
  }
  return pg;
}

// One page of a long list: `fetch(offset, limit)` reads only that page from the store.
template <class Fetch, class ToJson>
api_response paged(const query_params& query, Fetch fetch, ToJson to_json) {
  api_response bad;
  auto pg = page_of(query, bad);
  if (!pg) return bad;
  json j = json::array();
  for (const auto& x : fetch(pg->offset, pg->limit)) j.push_back(to_json(x));
  return reply(200, j);
}

api_response read_agents(read_ctx& ctx) {
  auto stations = ctx.db.stations();
  auto orders = ctx.db.work_orders(true);
  json j = json::array();
  for (const auto& a : ctx.db.agents()) {
    json sns = json::array();
    for (const auto& s : stations)
      if (s.agent_id == a.id) sns.push_back(s.sn);
    json assigned = json::array();
    for (const auto& w : orders)
      if (w.agent_id == a.id) assigned.push_back(w.id);
    j.push_back({{"id", a.id}, {"name", a.name}, {"region", a.region}, {"phone", a.phone}, {"lat", a.base.lat},
                 {"lon", a.base.lon}, {"state", to_string(a.state)}, {"stations", sns}, {"work_orders", assigned}});
  }
  return reply(200, j);
}

}  // namespace

json work_order_json(const work_order& w, unix_ms now) {
  return {{"id", w.id}, {"station_sn", w.station_sn}, {"alert", to_string(w.alert)}, {"slot", w.slot},
          {"state", to_string(w.state)}, {"agent_id", opt_text(w.agent_id)},
          {"opened_at", format_instant(w.opened_at)}, {"due_at", format_instant(w.due_at)},
          {"sla_breached", sla_breached(w, now)}};
}

json rider_json(const rider& r) {
  json deposits = json::object();
  for (const auto& [model, m] : r.deposits) deposits[model] = {{"currency", m.currency}, {"amount_minor", m.minor}};
  json plan = nullptr;
  if (r.plan) plan = {{"plan_id", r.plan->plan_id}, {"kind", to_string(r.plan->kind)}};
  return {{"id", r.id}, {"name", r.name}, {"country", r.country}, {"kyc", to_string(r.kyc)},
          {"balance_minor", r.balance_minor}, {"deposits", deposits}, {"holding_sn", opt_text(r.holding_sn)},
          {"plan", plan}};
}

json station_json(const station& s, bool detail) {
  json ready = json::object();
  for (const auto& sl : s.slots)
    if (sl.state == slot_state::ready && !slot_disabled(s, sl.index)) ready[sl.model_id] = ready.value(sl.model_id, 0) + 1;
  json pending = json::array();
  for (const auto& c : pending_changes(s)) pending.push_back({{"field", c.field}, {"value", c.value}});
  json j{{"sn", s.sn}, {"name", s.name()}, {"registration", to_string(s.reg)}, {"lat", s.location.lat},
         {"lon", s.location.lon}, {"slots", s.slots.size()}, {"enabled", s.desired.enabled},
         {"agent_id", opt_text(s.agent_id)}, {"online", s.link.online},
         {"last_seen", opt_instant(s.link.last_seen)}, {"firmware", s.firmware}, {"ready_packs", ready},
         {"free_slots", free_count(s)}, {"pending_changes", pending}};
  if (detail) {
    json slots = json::array();
    for (const auto& sl : s.slots)
      slots.push_back({{"index", sl.index}, {"state", to_string(sl.state)}, {"disabled", slot_disabled(s, sl.index)},
                       {"door_open", sl.door_open}, {"battery_sn", opt_text(sl.battery_sn)},
                       {"model_id", opt_text(sl.model_id)}, {"soc", sl.soc}});
    j["slot_list"] = slots;
    j["stale"] = !s.link.online;  // offline: the slots are the last known state
  }
  return j;
}

api_response read(read_ctx& ctx) {
  const auto& p = ctx.path;
  const auto& r = p[2];
  const bool one = p.size() == 4;
  if (r == "dashboard") {
    const auto tz = ctx.db.setting("timezone").value_or("UTC");
    auto d = ctx.db.dashboard_at(ctx.now, tz);
    // Not the caller's fault (the time zone setting is the operator's): a logged 500 with an error id.
    if (!d) throw std::runtime_error("dashboard: " + d.err().what());
    return reply(200, dashboard_json(*d));
  }
  if (r == "stations" && !one) {
    json j = json::array();
    for (const auto& s : ctx.db.stations()) j.push_back(station_json(s, false));
    return reply(200, j);
  }
  if (r == "stations") {
    auto s = ctx.db.station(p[3]);
    if (!s) return refused(errc::station_unknown, "station " + p[3] + " is not known");
    return reply(200, station_json(*s, true));
  }
  if (r == "riders" && one) {
    auto rd = ctx.db.rider(p[3]);
    if (!rd) return refused(errc::rider_unknown, "rider " + p[3] + " is not known");
    return reply(200, rider_json(*rd));
  }
  if (r == "riders")
    return paged(ctx.query, [&](std::size_t o, std::size_t n) { return ctx.db.riders(o, n); }, rider_json);
  if (r == "packs" && one) {
    auto b = ctx.db.battery(p[3]);
    if (!b) return fail(404, "pack.unknown", "pack " + p[3] + " is not known");
    return reply(200, pack_json(*b));
  }
  if (r == "packs")
    return paged(ctx.query, [&](std::size_t o, std::size_t n) { return ctx.db.batteries(o, n); }, pack_json);
  if (r == "plans") {
    json j = json::array();
    for (const auto& pl : ctx.db.plans()) j.push_back(plan_json(pl));
    return reply(200, j);
  }
  if (r == "deposits") {
    json j = json::array();
    for (const auto& d : ctx.db.deposits())
      j.push_back({{"model_id", d.model_id}, {"currency", d.amount.currency}, {"amount_minor", d.amount.minor}});
    return reply(200, j);
  }
  if (r == "agents") return read_agents(ctx);
  if (r == "work-orders" && one) {
    const auto& id = p[3];
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
      return fail(400, "input.invalid", "a work order id is a whole number", "id");
    auto w = ctx.db.find_work_order(std::stoll(id));
    if (!w) return fail(404, "work_order.unknown", "work order " + id + " is not known");
    return reply(200, work_order_json(*w, ctx.now));
  }
  // work-orders (?open=1) and alerts (= open work orders)
  const bool open_only = r == "alerts" || query_param(ctx.query, "open").value_or("0") == "1";
  json j = json::array();
  for (const auto& w : ctx.db.work_orders(open_only)) j.push_back(work_order_json(w, ctx.now));
  return reply(200, j);
}

}  // namespace swaptwin::adapters::api_detail
