#pragma once
/// The headless UI test fixture: an ImGui context with no backend (no display, no GL), a fixed view
/// model of five stations around Nairobi, and helpers to draw frames, read a panel's text, find a
/// widget and click it.
#include "viewer/ui.hpp"

#include <gtest/gtest.h>
#include <imgui_internal.h>

#include <string>

#include "viewer/format.hpp"

namespace swaptwin::viewer::viewer_test {

// 2026-11-24 04:03:00 UTC; the operator is in Nairobi (UTC+3).
inline constexpr std::int64_t now = 1795492980000;

inline slot_view slot(int index, slot_state state, const char* pack, int soc, double temp) {
  return slot_view{index, state, pack, soc, temp};
}

/// Five stations around Nairobi, one or two of each category; one agent routed to the fault.
inline view_model sample_model() {
  view_model vm;
  vm.now_ms = now;
  vm.utc_offset_minutes = 180;
  vm.time_zone_name = "Africa/Nairobi";
  vm.currencies = {{"KES", "KSh", 2}};
  vm.dashboard.revenue_today = {{"KES", 123456}};
  vm.dashboard.riders_today = 1234;
  vm.dashboard.plans_sold_today = {{"week", 3}, {"month", 2}};
  for (int h = 0; h < 24; ++h) vm.dashboard.swaps_per_hour[static_cast<std::size_t>(h)] = static_cast<float>(h % 7);
  vm.dashboard.stations_online = 4;
  vm.dashboard.stations_offline = 1;
  vm.dashboard.open_work_orders = 1;

  auto station = [&](const char* sn, const char* name, double lat, double lon, station_category c) {
    station_view s;
    s.sn = sn;
    s.name = name;
    s.lat = lat;
    s.lon = lon;
    s.category = c;
    s.online = c != station_category::offline;
    s.last_seen_ms = s.online ? now : now - 45 * 60'000;  // offline since 06:18 Nairobi time
    s.ready_packs = c == station_category::online_stocked ? 3 : 1;
    s.slots = {slot(1, slot_state::ready, "P-1", 98, 24.5), slot(2, slot_state::charging, "P-2", 40, 31.0),
               slot(3, slot_state::empty, "", 0, 22.0)};
    vm.stations.push_back(s);
  };
  station("ST-1", "CBD", -1.2833, 36.8167, station_category::online_stocked);
  station("ST-2", "Westlands", -1.2670, 36.8030, station_category::online_stocked);
  station("ST-3", "Kilimani", -1.2900, 36.7800, station_category::online_low_stock);
  station("ST-4", "Eastleigh", -1.2750, 36.8500, station_category::offline);
  station("ST-5", "South B", -1.3100, 36.8400, station_category::fault);

  vm.work_orders = {{"WO-1", "ST-5", "fault", "assigned", "A-1", now + 65 * 60'000}};
  vm.agents = {{"A-1", -1.3000, 36.8000, agent_state::travelling, "WO-1"}};
  vm.batteries = {{"P-1", "72V", 97, 120, "ST-1 slot 1"}};
  vm.riders = {{"R-1", kyc_state::pending, "", {"KES", 500000}}};
  vm.plans = {{"week", "week", "Weekly unlimited", {"KES", 150000}}};
  vm.deposits = {{"72V", {"KES", 500000}}};
  vm.alerts = {{now - 60'000, alert_severity::critical, "ST-5", "slot 2 over temperature"}};
  return vm;
}

/// A headless ImGui context for one test.
class HeadlessUi : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60.0f;
    io.IniFilename = nullptr;
    unsigned char* pixels = nullptr;
    int width = 0;
    int height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  }
  void TearDown() override { ImGui::DestroyContext(context_); }

  /// One whole frame of the UI.
  void frame() {
    ImGui::NewFrame();
    draw_ui(vm, state);
    ImGui::Render();
  }

  /// One frame; returns the text the panel drew (its "copy panel as text", to ImGui's own clipboard).
  std::string frame_text() {
    ImGui::SetClipboardText("");
    state.copy_panel_text = true;
    frame();
    EXPECT_FALSE(state.copy_panel_text);
    return ImGui::GetClipboardText();
  }

  /// Vertices of exactly `colour` inside the map canvas, in the Map window's draw list.
  int map_vertices_of(ImU32 colour) const {
    const ImGuiWindow* window = ImGui::FindWindowByName("Map");
    if (window == nullptr) return -1;
    const ImVec2 lo = state.map.canvas_min;
    const ImVec2 hi(lo.x + state.map.canvas_size.x, lo.y + state.map.canvas_size.y);
    int count = 0;
    for (const ImDrawVert& v : window->DrawList->VtxBuffer) {
      if (v.col == colour && v.pos.x >= lo.x && v.pos.x <= hi.x && v.pos.y >= lo.y && v.pos.y <= hi.y) ++count;
    }
    return count;
  }

  /// Screen centre of the item with `id` in the window titled `window_name`, as the last frame laid it
  /// out: ImGui's keyboard navigation records the rectangle of the item it focuses.
  ImVec2 item_centre(const char* window_name, ImGuiID id) {
    ImGuiWindow* window = ImGui::FindWindowByName(window_name);
    EXPECT_NE(window, nullptr) << window_name;
    if (window == nullptr) return ImVec2(-1, -1);
    ImGui::NewFrame();
    ImGui::SetFocusID(id, window);
    draw_ui(vm, state);
    ImGui::Render();
    frame();
    EXPECT_TRUE(GImGui->NavIdIsAlive) << "no such item in " << window_name;
    const ImRect r = window->NavRectRel[0];  // relative to the window's content start (1.86)
    const ImVec2 origin = window->DC.CursorStartPos;
    return ImVec2(origin.x + (r.Min.x + r.Max.x) / 2, origin.y + (r.Min.y + r.Max.y) / 2);
  }

  /// Centre of the widget labelled `label` at the top level of the window titled `window_name`.
  ImVec2 item_centre(const char* window_name, const char* label) {
    const ImGuiWindow* window = ImGui::FindWindowByName(window_name);
    return item_centre(window_name, ImHashStr(label, 0, window != nullptr ? window->ID : 0));
  }

  /// A left click at `pos`: move there, press, release (one frame each), then move the mouse away.
  void click(ImVec2 pos) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = pos;
    frame();
    io.MouseDown[0] = true;
    frame();
    io.MouseDown[0] = false;
    frame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  }

  /// Types `text` into the widget that has the keyboard focus (one frame).
  void type(const char* text) {
    ImGui::GetIO().AddInputCharactersUTF8(text);
    frame();
  }

  /// Whether the window titled `title` was drawn in the last frame.
  static bool drawn(const char* title) {
    const ImGuiWindow* window = ImGui::FindWindowByName(title);
    return window != nullptr && window->Active;
  }

  ImGuiContext* context_ = nullptr;
  view_model vm = sample_model();
  ui_state state;
};

}  // namespace swaptwin::viewer::viewer_test
