#pragma once
/// Fills the viewer's view model from the back-office database (adapters::store): the composition
/// root's bridge between adapters/ and viewer/, which may not know each other (DESIGN.md).

#include <string>

#include "adapters/store.hpp"
#include "twin/time.hpp"
#include "viewer/view_model.hpp"

namespace swaptwin::app {

/// The whole view model as the back office stands in `db`, seen at instant `now` by an operator in
/// time zone `tz` (IANA name, e.g. "Africa/Nairobi"): stations with their slots and colour category,
/// packs, riders, plans, deposits, agents, open work orders (and one alert per open work order),
/// the dashboard of `now`'s local day (store::dashboard_at, plus swaps per local hour), the formats
/// of the currencies used, and `tz`'s UTC offset at `now`. Throws std::invalid_argument when `tz`
/// is not a known time zone, and sql::store_error when the database cannot be read.
viewer::view_model model_from_store(adapters::store& db, twin::unix_ms now, const std::string& tz);

/// The map category of station `s` given its ready-pack count (viewer::category_of: offline, fault,
/// low stock at viewer::low_stock_threshold ready packs or fewer, else stocked).
viewer::station_category station_category_of(const twin::station& s, int ready_packs);

/// UTC offset of time zone `tz` at `now`, in minutes (east positive). Throws std::invalid_argument
/// when `tz` is unknown.
int utc_offset_minutes(const std::string& tz, twin::unix_ms now);

}  // namespace swaptwin::app
