// The store's bulk import: a whole back office in one transaction. Writing row by row through the
// add_* methods commits (and syncs the disk) once per row; a simulated city has tens of thousands.
#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "adapters/store_rows.hpp"

namespace swaptwin::adapters {

using namespace twin;
using sql::transaction;

namespace {
status check_model(const battery_model& m) {
  if (m.id.empty() || m.id.size() > 16) return error{errc::invalid_argument, "battery model id: 1..16 characters"};
  if (m.nominal_v <= 0 || m.capacity_wh <= 0)
    return error{errc::invalid_argument, "battery model " + m.id + ": voltage and capacity must be positive"};
  return done{};
}
}  // namespace

status store::import_rows(const back_office_rows& rows) {
  transaction tx{*db_};
  for (const auto& [key, value] : rows.settings) put_setting(key, value);
  for (const auto& m : rows.models) {
    if (auto s = check_model(m); !s) return s;
    db_->prepare("INSERT INTO battery_models (id, nominal_v, capacity_wh, chemistry) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (id) DO UPDATE SET nominal_v = excluded.nominal_v, capacity_wh = excluded.capacity_wh, "
                 "chemistry = excluded.chemistry")
        ->bind_all(m.id, m.nominal_v, m.capacity_wh, m.chemistry)
        .run();
  }
  // Each step stops at its first refusal; returning without commit rolls everything back.
  auto each = [](const auto& items, auto&& put) -> status {
    for (const auto& x : items)
      if (auto s = put(x); !s) return s;
    return done{};
  };
  if (auto s = each(rows.countries, [&](const country_policy& p) { return put_country(p); }); !s) return s;
  if (auto s = each(rows.deposits, [&](const deposit_price& d) { return put_deposit(d.model_id, d.amount); }); !s)
    return s;
  if (auto s = each(rows.plans, [&](const twin::plan& p) { return insert_plan(p); }); !s) return s;
  if (auto s = each(rows.agents, [&](const twin::agent& a) { return insert_agent(a); }); !s) return s;
  if (auto s = each(rows.stations, [&](const twin::station& st) { return insert_station(st); }); !s) return s;
  if (auto s = each(rows.batteries, [&](const twin::battery& b) { return insert_battery(b); }); !s) return s;
  if (auto s = each(rows.riders, [&](const twin::rider& r) { return insert_rider(r); }); !s) return s;
  write_postings(rows.postings);
  for (const auto& sw : rows.swaps) adapters::rows::insert_swap(*db_, sw);
  for (const auto& w : rows.work_orders) insert_work_order(w);
  tx.commit();
  return done{};
}

}  // namespace swaptwin::adapters
