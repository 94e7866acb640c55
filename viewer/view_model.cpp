#include "viewer/view_model.hpp"

namespace swaptwin::viewer {

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
