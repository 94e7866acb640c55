// Every panel's window, and what the panels show (stale offline detail, numbers for humans).
#include <gtest/gtest.h>

#include <string>

#include "tests/viewer/ui_fixture.hpp"

namespace swaptwin::viewer::viewer_test {
namespace {

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
  // Slot 3 is empty: no pack, so no temperature (its 22.0 in the model is not a reading).
  EXPECT_NE(text.find("no reading"), std::string::npos) << text;
  EXPECT_EQ(text.find("22.0 C"), std::string::npos) << text;
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

TEST_F(HeadlessUi, StationsListShowsStateAndLastSeenInTheOperatorsTime) {
  state.selected_panel = panel::stations;
  const std::string text = frame_text();
  for (const station_view& s : vm.stations) EXPECT_NE(text.find(s.sn), std::string::npos) << s.sn;
  EXPECT_NE(text.find("Eastleigh"), std::string::npos) << text;
  EXPECT_NE(text.find("45 min ago (2026-11-24 06:18)"), std::string::npos) << text;
}

}  // namespace
}  // namespace swaptwin::viewer::viewer_test
