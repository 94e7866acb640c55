#pragma once
/// Fills the viewer's view model from the back-office database (adapters::store): the composition
/// root's bridge between adapters/ and viewer/, which may not know each other (DESIGN.md).

#include <string>

#include "adapters/feed_view.hpp"
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

/// The map category of station `s` given its ready-pack count (viewer::category_of: offline, fault
/// when a slot is shown faulted (slot_view_state: a disabled one is not), low stock at
/// viewer::low_stock_threshold ready packs or fewer, else stocked).
viewer::station_category station_category_of(const twin::station& s, int ready_packs);

// The rules of the mapping, shared with the sources that start from twin values (the simulation,
// the replay): one place says how a slot, a pack's place, a plan or an alert is shown.

/// A slot's state as the viewer shows it: disabled when the operator disabled it, else its own.
viewer::slot_state slot_view_state(const twin::station& s, const twin::slot& sl);

/// Where pack `b` is, for people: "station SZ-0001 slot 3", "rider R-12", "in transit", "warehouse".
std::string where(const twin::battery& b);

/// The viewer's KYC state of `k`.
viewer::kyc_state kyc_of(twin::kyc_status k);

/// A plan's kind for people: "month", "per km", "km bundle", "per swap", "swap bundle", "per kWh".
std::string plan_kind_text(const twin::plan& p);

/// Offline, slot fault and over-temperature are critical; door open and low stock warnings.
viewer::alert_severity severity_of(twin::alert_kind k);

/// Enum names as people read them: "station_offline" -> "station offline" (the feed's rule).
using adapters::words;

/// The alert line of work order `w`: "Slot fault (slot 3), work order WO-7 en route" (the feed's rule).
using adapters::alert_text;

/// How currency `code` is shown: its symbol and decimals (format_money shows the code instead of a
/// symbol the font cannot draw).
viewer::currency_format format_of(const std::string& code);

/// UTC offset of time zone `tz` at `now`, in minutes (east positive). Throws std::invalid_argument
/// when `tz` is unknown.
using adapters::utc_offset_minutes;

}  // namespace swaptwin::app
