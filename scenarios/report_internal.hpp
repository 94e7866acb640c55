#pragma once
/// Private helpers of the report writers (report.cpp, report_files.cpp, charts.cpp); not part of the
/// scenarios interface. Every number is formatted here without locales (std::to_chars), so the
/// terminal summary, the CSV and the charts come out the same on every machine.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/report.hpp"

namespace swaptwin::scenarios::detail {

/// `v` with exactly `decimals` digits after the point ("12.5"), never "-0.0"; "n/a" when not finite.
std::string fixed(double v, int decimals);
/// An integer with thousands separators: "1,234,567".
std::string grouped(std::int64_t v);
/// Digits after the decimal point of `currency` (2 when swaptwin does not know it).
int minor_digits(const std::string& currency);
/// `minor` units of `currency` in major units, exact and ungrouped: "1234.50", "-3.07", "1500".
std::string major_units(std::int64_t minor, const std::string& currency);

/// "42.0 s", "12.5 min" or "3.25 h".
std::string format_duration_s(double seconds);
/// "850 m" or "2.30 km".
std::string format_distance_m(double metres);
/// "850.0 kWh" or "12.35 MWh".
std::string format_energy_wh(double wh);
/// "48.0 kW".
std::string format_power_w(double w);

/// Reason -> count pairs sorted by count (largest first), ties by reason.
std::vector<std::pair<std::string, std::int64_t>> by_count(const std::map<std::string, std::int64_t>& m);
/// Sum of the refusals of one hour.
std::int64_t total(const std::map<std::string, std::int64_t>& m);
/// Ready packs in the network at the end of hour `h` (stations without a sample count as 0).
std::int64_t ready_total(const hourly_sample& h);
/// Site power of all stations at the end of hour `h`, W.
std::int64_t power_total(const hourly_sample& h);

/// Index of the station with the highest peak site power (ties: lowest SN); -1 when none.
int peak_power_station(const run_report& r);
/// Indices of up to `n` stations with the most stock-out hours (ties: lowest SN).
std::vector<int> most_stockout_stations(const run_report& r, std::size_t n);

/// The charts, each a complete standalone SVG 1.1 document (see charts.cpp).
std::string chart_swaps_per_hour(const run_report& r);
std::string chart_ready_packs(const run_report& r);
std::string chart_refusals(const run_report& r);
std::string chart_site_power(const run_report& r);
std::string chart_revenue_per_day(const run_report& r);

}  // namespace swaptwin::scenarios::detail
