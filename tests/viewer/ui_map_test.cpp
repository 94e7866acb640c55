// The Map panel: one marker per station in its category colour, fitting, click to select.
#include <gtest/gtest.h>

#include <string>

#include "tests/viewer/ui_fixture.hpp"

namespace swaptwin::viewer::viewer_test {
namespace {

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

TEST_F(HeadlessUi, MapOfAThousandStationsDrawsAThousandMarkers) {
  const station_view proto = vm.stations[0];
  vm.stations.clear();
  for (int i = 0; i < 1000; ++i) {
    station_view s = proto;
    s.sn = "ST-" + std::to_string(i);
    s.lat = -1.2 - (i / 40) * 0.004;
    s.lon = 36.7 + (i % 40) * 0.004;
    vm.stations.push_back(s);
  }
  state.selected_panel = panel::map;
  frame();
  frame();
  EXPECT_EQ(map_vertices_of(colours::online_stocked), 1000 * marker_segments);
  EXPECT_EQ(map_vertices_of(colours::label), 0);  // 1,000 names would be a smear: none until zoomed in
}

TEST_F(HeadlessUi, MapNamesTheStationsWhenFewAreInView) {
  state.selected_panel = panel::map;
  frame();
  frame();
  // Each glyph is a quad of 4 vertices; every station's name (or SN) has at least 3 glyphs.
  EXPECT_GE(map_vertices_of(colours::label), static_cast<int>(vm.stations.size()) * 3 * 4);
}

}  // namespace
}  // namespace swaptwin::viewer::viewer_test
