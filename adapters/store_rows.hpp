#pragma once
/// Row <-> value mapping shared by the store's source files (internal to adapters/).

#include <string>
#include <vector>

#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "twin/battery.hpp"
#include "twin/plan.hpp"
#include "twin/rider.hpp"
#include "twin/station.hpp"
#include "twin/work_order.hpp"

namespace swaptwin::adapters::rows {

/// Inserts a swap unless its idempotency key is there already (then sql::database::changes() is 0).
void insert_swap(sql::database& db, const swap_record& s);

/// "a,b,c" <-> {"a","b","c"} (elements never contain commas).
std::string join(const std::vector<std::string>& v);
std::vector<std::string> split(const std::string& s);

/// Parses an enum column written by to_string; throws store_error on a value the schema forbids.
template <class E>
E parse_enum(const std::string& s, const char* column) {
  E e{};
  if (!twin::from_string(s, e)) throw sql::store_error(std::string{"bad value \""} + s + "\" in column " + column);
  return e;
}

/// Column lists and readers, so every SELECT of a table reads the same columns.
extern const char* const station_columns;
twin::station read_station(const sql::statement& st);
extern const char* const plan_columns;
twin::plan read_plan(const sql::statement& st);
extern const char* const rider_columns;
twin::rider read_rider(const sql::statement& st);
extern const char* const battery_columns;
twin::battery read_battery(const sql::statement& st);
extern const char* const subscription_columns;
twin::subscription read_subscription(const sql::statement& st, int first = 0);  // columns from `first`
extern const char* const work_order_columns;
twin::work_order read_work_order(const sql::statement& st);

}  // namespace swaptwin::adapters::rows
