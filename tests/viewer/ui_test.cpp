// Headless UI tests: an ImGui context with no backend (no display, no GL). Each test draws frames of
// a fixed view model and inspects what ImGui recorded: windows, draw-list vertices, logged text.
#include "viewer/ui.hpp"

#include <gtest/gtest.h>
#include <imgui_internal.h>

#include <string>

#include "viewer/format.hpp"

namespace swaptwin::viewer {
namespace {

// 2026-11-24 04:03:00 UTC; the operator is in Nairobi (UTC+3).
constexpr std::int64_t now = 1795492980000;

slot_view slot(int index, slot_state state, const char* pack, int soc, double temp) {
  return slot_view{index, state, pack, soc, temp};
}

/// Five stations around Nairobi, one or two of each category; one agent routed to the fault.
view_model sample_model() {
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

  /// Whether the window titled `title` was drawn in the last frame.
  static bool drawn(const char* title) {
    const ImGuiWindow* window = ImGui::FindWindowByName(title);
    return window != nullptr && window->Active;
  }

  ImGuiContext* context_ = nullptr;
  view_model vm = sample_model();
  ui_state state;
};

TEST_F(HeadlessUi, EachPanelHasItsWindowWhenSelected) {
  for (int i = 0; i < panel_count; ++i) {
    state.selected_panel = static_cast<panel>(i);
    frame();
    EXPECT_TRUE(drawn("Navigation"));
    for (int j = 0; j < panel_count; ++j) {
      EXPECT_EQ(drawn(panel_title(static_cast<panel>(j))), i == j)
          << "selected " << panel_title(static_cast<panel>(i)) << ", window " << panel_title(static_cast<panel>(j));
    }
  }
}

TEST_F(HeadlessUi, MapDrawsOneMarkerPerStationInItsCategoryColour) {
  state.selected_panel = panel::map;
  frame();
  frame();
  EXPECT_EQ(map_vertices_of(colours::online_stocked), 2 * marker_segments);
  EXPECT_EQ(map_vertices_of(colours::online_low_stock), 1 * marker_segments);
  EXPECT_EQ(map_vertices_of(colours::offline), 1 * marker_segments);
  EXPECT_EQ(map_vertices_of(colours::fault), 1 * marker_segments);
  EXPECT_GT(map_vertices_of(colours::agent), 0);  // the agent's triangle and route
}

TEST_F(HeadlessUi, MapMarkerChangesColourWithTheStationsState) {
  state.selected_panel = panel::map;
  frame();
  vm.stations[0].category = station_category::fault;
  frame();
  EXPECT_EQ(map_vertices_of(colours::online_stocked), 1 * marker_segments);
  EXPECT_EQ(map_vertices_of(colours::fault), 2 * marker_segments);
}

TEST_F(HeadlessUi, MapFitsEveryStationInsideTheCanvas) {
  state.selected_panel = panel::map;
  frame();
  ASSERT_TRUE(state.map.fitted);
  for (const station_view& s : vm.stations) {
    const ImVec2 p = project(state.map, s.lat, s.lon);
    EXPECT_GT(p.x, state.map.canvas_min.x) << s.sn;
    EXPECT_LT(p.x, state.map.canvas_min.x + state.map.canvas_size.x) << s.sn;
    EXPECT_GT(p.y, state.map.canvas_min.y) << s.sn;
    EXPECT_LT(p.y, state.map.canvas_min.y + state.map.canvas_size.y) << s.sn;
  }
}

TEST_F(HeadlessUi, ClickOnAMarkerSelectsTheStationAndOpensItsDetail) {
  state.selected_panel = panel::map;
  frame();
  const station_view& target = vm.stations[2];  // ST-3, low stock
  ImGuiIO& io = ImGui::GetIO();
  const ImVec2 p = project(state.map, target.lat, target.lon);
  io.MousePos = ImVec2(p.x + 2, p.y - 2);  // inside the marker, off centre
  frame();
  io.MouseDown[0] = true;
  frame();
  io.MouseDown[0] = false;
  EXPECT_EQ(state.selected_station, "ST-3");
  EXPECT_EQ(state.selected_panel, panel::station_detail);

  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  const std::string text = frame_text();
  EXPECT_TRUE(drawn("Station detail"));
  EXPECT_FALSE(drawn("Map"));
  EXPECT_NE(text.find("ST-3  Kilimani"), std::string::npos) << text;
}

TEST_F(HeadlessUi, ClickOnEmptyMapSelectsNothing) {
  state.selected_panel = panel::map;
  frame();
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(state.map.canvas_min.x + 3, state.map.canvas_min.y + 3);  // a corner
  frame();
  io.MouseDown[0] = true;
  frame();
  io.MouseDown[0] = false;
  frame();
  EXPECT_EQ(state.selected_station, "");
  EXPECT_EQ(state.selected_panel, panel::map);
}

TEST_F(HeadlessUi, OfflineStationDetailIsMarkedStale) {
  state.selected_panel = panel::station_detail;
  state.selected_station = "ST-4";
  const std::string text = frame_text();
  // Offline 45 min before 07:03 Nairobi time.
  EXPECT_NE(text.find("Last known state, offline since 2026-11-24 06:18 (UTC+03:00)"), std::string::npos) << text;
  EXPECT_NE(text.find("Slot 2: charging"), std::string::npos) << text;  // still drawn
  EXPECT_NE(text.find("40%"), std::string::npos) << text;
  EXPECT_EQ(text.find("Disable"), std::string::npos) << text;  // no actions on a stale state
}

TEST_F(HeadlessUi, OnlineStationDetailIsNotStale) {
  state.selected_panel = panel::station_detail;
  state.selected_station = "ST-1";
  const std::string text = frame_text();
  EXPECT_EQ(text.find("Last known state"), std::string::npos) << text;
  EXPECT_NE(text.find("Slot 1: ready"), std::string::npos) << text;
  EXPECT_NE(text.find("98%"), std::string::npos) << text;
  EXPECT_NE(text.find("24.5 C"), std::string::npos) << text;
  EXPECT_NE(text.find("Disable"), std::string::npos) << text;
}

TEST_F(HeadlessUi, DashboardShowsNumbersForHumans) {
  const std::string text = frame_text();
  EXPECT_TRUE(drawn("Dashboard"));
  EXPECT_NE(text.find("KSh 1,234.56"), std::string::npos) << text;
  EXPECT_NE(text.find("Riders today: 1,234"), std::string::npos) << text;
  EXPECT_NE(text.find("week: 3"), std::string::npos) << text;
  EXPECT_NE(text.find("4 online, 1 offline"), std::string::npos) << text;
  EXPECT_NE(text.find("66 swaps today, peak 6/h"), std::string::npos) << text;  // the histogram overlay
}

TEST_F(HeadlessUi, TimePanelShowsTheControlsState) {
  state.selected_panel = panel::time;
  state.time.paused = true;
  state.time.speed = 1000;
  std::string text = frame_text();
  EXPECT_NE(text.find("Paused at 1000x"), std::string::npos) << text;
  EXPECT_NE(text.find("Resume"), std::string::npos) << text;
  for (const char* speed : {"1x", "10x", "100x", "1000x", "10000x"}) {
    EXPECT_NE(text.find(speed), std::string::npos) << speed;
  }
  state.time.paused = false;
  text = frame_text();
  EXPECT_NE(text.find("Running at 1000x"), std::string::npos) << text;
}

TEST_F(HeadlessUi, OtherPanelsFormatMoneyAndTimes) {
  state.selected_panel = panel::riders;
  EXPECT_NE(frame_text().find("KSh 5,000.00"), std::string::npos);
  state.selected_panel = panel::plans_deposits;
  EXPECT_NE(frame_text().find("KSh 1,500.00"), std::string::npos);
  state.selected_panel = panel::agents_work_orders;
  EXPECT_NE(frame_text().find("due in 1 h 05 min"), std::string::npos);
  state.selected_panel = panel::alerts;
  EXPECT_NE(frame_text().find("2026-11-24 07:02"), std::string::npos);
}

}  // namespace
}  // namespace swaptwin::viewer
