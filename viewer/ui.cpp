#include "viewer/ui.hpp"

#include "viewer/format.hpp"
#include "viewer/panels.hpp"

namespace swaptwin::viewer {

const char* panel_title(panel p) {
  switch (p) {
    case panel::dashboard: return "Dashboard";
    case panel::map: return "Map";
    case panel::stations: return "Stations";
    case panel::station_detail: return "Station detail";
    case panel::batteries: return "Batteries";
    case panel::riders: return "Riders";
    case panel::plans_deposits: return "Plans & deposits";
    case panel::agents_work_orders: return "Agents & work orders";
    case panel::alerts: return "Alerts";
    case panel::time: return "Time";
  }
  return "?";
}

ImU32 category_colour(station_category c) {
  switch (c) {
    case station_category::online_stocked: return colours::online_stocked;
    case station_category::online_low_stock: return colours::online_low_stock;
    case station_category::offline: return colours::offline;
    case station_category::fault: return colours::fault;
  }
  return colours::offline;
}

namespace {

constexpr ImGuiWindowFlags fixed_window =
    ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
    ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;

/// The left bar: one selectable per panel, then the clock and the time state.
void draw_navigation(const view_model& vm, ui_state& state) {
  ImGui::TextUnformatted("swaptwin");
  ImGui::Separator();
  for (int i = 0; i < panel_count; ++i) {
    const auto p = static_cast<panel>(i);
    if (ImGui::Selectable(panel_title(p), state.selected_panel == p)) state.selected_panel = p;
  }
  if (ImGui::SmallButton("Copy panel as text")) state.copy_panel_text = true;
  ImGui::Separator();
  ImGui::TextUnformatted(format_local_time(vm.now_ms, vm.utc_offset_minutes).c_str());
  ImGui::TextDisabled("%s", vm.time_zone_name.empty() ? format_utc_offset(vm.utc_offset_minutes).c_str()
                                                      : vm.time_zone_name.c_str());
  if (state.time.paused) {
    ImGui::TextUnformatted("paused");
  } else {
    ImGui::Text("%dx", state.time.speed);
  }
  const source_view& src = vm.source;
  if (src.label.empty() && src.status.empty()) return;
  ImGui::Separator();
  if (!src.label.empty()) ImGui::TextWrapped("%s", src.label.c_str());
  if (!src.status.empty()) {
    if (src.degraded) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colours::online_low_stock));
    ImGui::TextWrapped("%s", src.status.c_str());
    if (src.degraded) ImGui::PopStyleColor();
  }
  if (src.read_only) ImGui::TextDisabled("read-only");
  if (!src.last_action.empty()) ImGui::TextWrapped("%s", src.last_action.c_str());
}

/// The selected panel's content.
void draw_panel(const view_model& vm, ui_state& state) {
  switch (state.selected_panel) {
    case panel::dashboard: detail::draw_dashboard(vm, state); break;
    case panel::map: detail::draw_map(vm, state); break;
    case panel::stations: detail::draw_stations(vm, state); break;
    case panel::station_detail: detail::draw_station_detail(vm, state); break;
    case panel::batteries: detail::draw_batteries(vm, state); break;
    case panel::riders: detail::draw_riders(vm, state); break;
    case panel::plans_deposits: detail::draw_plans_deposits(vm, state); break;
    case panel::agents_work_orders: detail::draw_agents_work_orders(vm, state); break;
    case panel::alerts: detail::draw_alerts(vm, state); break;
    case panel::time: detail::draw_time(vm, state); break;
  }
}

}  // namespace

void draw_ui(const view_model& vm, ui_state& state) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float nav_width = state.navigation_width;

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(nav_width, display.y));
  if (ImGui::Begin("Navigation", nullptr, fixed_window | ImGuiWindowFlags_NoTitleBar)) {
    draw_navigation(vm, state);
  }
  ImGui::End();

  // The panel may switch panels (a click on the map); the window drawn is the one chosen at entry.
  const panel shown = state.selected_panel;
  ImGui::SetNextWindowPos(ImVec2(nav_width, 0));
  ImGui::SetNextWindowSize(ImVec2(display.x - nav_width, display.y));
  if (ImGui::Begin(panel_title(shown), nullptr, fixed_window)) {
    // ImGui's logging copies every text the panel draws; End() of the window sends it to the clipboard.
    if (state.copy_panel_text) ImGui::LogToClipboard();
    state.copy_panel_text = false;
    draw_panel(vm, state);
  }
  ImGui::End();
}

namespace detail {

std::string local_time(const view_model& vm, std::int64_t unix_ms) {
  return format_local_time(unix_ms, vm.utc_offset_minutes) + " (" +
         format_utc_offset(vm.utc_offset_minutes) + ")";
}

std::string last_seen_text(const view_model& vm, std::int64_t last_seen_ms) {
  if (last_seen_ms == 0) return "never";
  return format_duration(vm.now_ms - last_seen_ms) + " ago (" +
         format_local_time(last_seen_ms, vm.utc_offset_minutes) + ")";
}

const char* category_label(station_category c) {
  switch (c) {
    case station_category::online_stocked: return "online";
    case station_category::online_low_stock: return "low stock";
    case station_category::offline: return "offline";
    case station_category::fault: return "fault";
  }
  return "?";
}

const char* slot_state_label(slot_state s) {
  switch (s) {
    case slot_state::empty: return "empty";
    case slot_state::charging: return "charging";
    case slot_state::ready: return "ready";
    case slot_state::reserved: return "reserved";
    case slot_state::fault: return "fault";
    case slot_state::disabled: return "disabled";
  }
  return "?";
}

ImVec4 category_text_colour(station_category c) {
  return ImGui::ColorConvertU32ToFloat4(category_colour(c));
}

}  // namespace detail
}  // namespace swaptwin::viewer
