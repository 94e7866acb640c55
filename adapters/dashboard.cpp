// The operator's dashboard: today's numbers in the operator's time zone.
#include <date/tz.h>

#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "adapters/store_rows.hpp"

namespace swaptwin::adapters {

using namespace twin;

namespace {
// [start, end) in UTC of the local calendar day containing `now` in `zone`.
void local_day(const date::time_zone* zone, unix_ms now, dashboard& d) {
  auto local = zone->to_local(now);
  auto day = date::floor<date::days>(local);
  // A day starting in a DST gap starts at the gap's end; `earliest` picks the first of two.
  d.day_start = std::chrono::time_point_cast<std::chrono::milliseconds>(zone->to_sys(day, date::choose::earliest));
  d.day_end = std::chrono::time_point_cast<std::chrono::milliseconds>(
      zone->to_sys(day + date::days{1}, date::choose::earliest));
  d.day = date::format("%F", day);
}
}  // namespace

bool known_timezone(const std::string& tz) {
  try {
    date::locate_zone(tz);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

result<dashboard> store::dashboard_at(unix_ms now, const std::string& tz) {
  dashboard d;
  d.timezone = tz;
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(tz);
  } catch (const std::exception&) {
    return error{errc::invalid_argument, "unknown time zone \"" + tz + "\" (use an IANA name like Asia/Shanghai or UTC)"};
  }
  local_day(zone, now, d);
  const auto from = to_ms(d.day_start), to = to_ms(d.day_end);

  auto& db = *db_;
  {
    auto q = db.prepare("SELECT currency, plan_kind, sum(amount_minor) FROM ledger WHERE at_ms >= ? AND at_ms < ? "
                        "AND kind IN ('plan_purchase', 'usage_charge') GROUP BY currency, plan_kind");
    q->bind_all(from, to);
    while (q->step()) {
      d.revenue_today[q->text(0)] += q->int64(2);
      d.revenue_by_plan_kind[q->text(0)][q->text(1)] += q->int64(2);
    }
  }
  {
    auto q = db.prepare("SELECT plan_kind, count(*) FROM ledger WHERE at_ms >= ? AND at_ms < ? "
                        "AND kind = 'plan_purchase' GROUP BY plan_kind");
    q->bind_all(from, to);
    while (q->step()) d.plans_sold_today[q->text(0)] = q->int64(1);
  }
  {
    auto q = db.prepare("SELECT currency, sum(amount_minor) FROM ledger WHERE kind IN ('deposit_in', 'deposit_refund') "
                        "GROUP BY currency");
    while (q->step()) d.deposits_held[q->text(0)] = q->int64(1);
  }
  auto count = [&](const std::string& sql, bool day_bounds) {
    auto q = db.prepare(sql);
    if (day_bounds) q->bind_all(from, to);
    return q->step() ? q->int64(0) : std::int64_t{0};
  };
  d.riders_active_today = count("SELECT count(DISTINCT rider_id) FROM swaps WHERE at_ms >= ? AND at_ms < ?", true);
  d.riders_new_today = count("SELECT count(*) FROM riders WHERE created_at_ms >= ? AND created_at_ms < ?", true);
  d.riders_total = count("SELECT count(*) FROM riders", false);
  // A pack handed back without another going out is not a swap.
  d.swaps_today = count("SELECT count(*) FROM swaps WHERE at_ms >= ? AND at_ms < ? AND issued_sn <> ''", true);
  d.stations_online = count("SELECT count(*) FROM stations WHERE online <> 0", false);
  d.stations_offline = count("SELECT count(*) FROM stations WHERE online = 0", false);
  d.work_orders_open = count("SELECT count(*) FROM work_orders WHERE state <> 'resolved'", false);

  // Plan mix: whether a subscription is active is a twin rule (status_at), not SQL.
  std::map<std::string, std::int64_t> active;
  {
    auto q = db.prepare(std::string{"SELECT "} + rows::subscription_columns + " FROM subscriptions");
    while (q->step()) {
      auto s = rows::read_subscription(*q);
      if (status_at(s, now) == plan_status::active) ++active[s.plan_id];
    }
  }
  for (const auto& p : plans())
    d.plan_mix.push_back({p.id, p.name, std::string{to_string(p.kind)}, active[p.id]});
  return d;
}

}  // namespace swaptwin::adapters
