#pragma once
/// Internal to viewer/: one drawing function per panel (each draws inside the panel's window, which
/// draw_ui has begun) and small shared helpers. Not for use outside viewer/.

#include <string>

#include "viewer/ui.hpp"

namespace swaptwin::viewer::detail {

/// Dashboard: revenue, riders, plans sold, swaps per hour, stations online/offline, open orders.
void draw_dashboard(const view_model& vm, ui_state& state);
/// Map: stations coloured by category, agents and their routes; click selects a station.
void draw_map(const view_model& vm, ui_state& state);
/// Stations: SN, name, online/offline, last seen, rename, accept/reject.
void draw_stations(const view_model& vm, ui_state& state);
/// Station detail: the slot grid (SoC bars, temperature, state), stale when offline.
void draw_station_detail(const view_model& vm, ui_state& state);
/// Batteries: SN, model, SoH, cycles, where.
void draw_batteries(const view_model& vm, ui_state& state);
/// Riders: id, KYC state, plan, deposit; verify a pending rider.
void draw_riders(const view_model& vm, ui_state& state);
/// Plans & deposits: the plans on sale and the deposit per battery model.
void draw_plans_deposits(const view_model& vm, ui_state& state);
/// Agents & work orders: agents, and work orders with their SLA countdown.
void draw_agents_work_orders(const view_model& vm, ui_state& state);
/// Alerts: newest first.
void draw_alerts(const view_model& vm, ui_state& state);
/// Time: pause, step, speeds, jump to.
void draw_time(const view_model& vm, ui_state& state);

/// "2026-11-24 07:03 (UTC+03:00)": an instant in the operator's zone, with the zone.
std::string local_time(const view_model& vm, std::int64_t unix_ms);
/// "12 min ago (2026-11-24 06:51)", or "never" for 0.
std::string last_seen_text(const view_model& vm, std::int64_t last_seen_ms);
/// "online", "low stock", "offline", "fault".
const char* category_label(station_category c);
/// Text of a slot state ("ready", "charging", ...).
const char* slot_state_label(slot_state s);
/// Text colour (ImGui float colour) for a category.
ImVec4 category_text_colour(station_category c);

}  // namespace swaptwin::viewer::detail
