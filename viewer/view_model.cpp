#include "viewer/view_model.hpp"

namespace swaptwin::viewer {

station_category category_of(bool online, bool any_slot_fault, int ready_packs) {
  if (!online) return station_category::offline;
  if (any_slot_fault) return station_category::fault;
  return ready_packs <= low_stock_threshold ? station_category::online_low_stock : station_category::online_stocked;
}

const station_view* find_station(const view_model& vm, const std::string& sn) {
  for (const station_view& s : vm.stations) {
    if (s.sn == sn) return &s;
  }
  return nullptr;
}

const work_order_view* find_work_order(const view_model& vm, const std::string& id) {
  for (const work_order_view& w : vm.work_orders) {
    if (w.id == id) return &w;
  }
  return nullptr;
}

currency_format find_currency_format(const view_model& vm, const std::string& code) {
  for (const currency_format& c : vm.currencies) {
    if (c.code == code) return c;
  }
  return currency_format{code, "", 2};
}

}  // namespace swaptwin::viewer
