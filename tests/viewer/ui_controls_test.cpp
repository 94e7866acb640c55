// Clicking the UI: navigation, time controls, and the actions it queues.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/viewer/ui_fixture.hpp"

namespace swaptwin::viewer::viewer_test {
namespace {

TEST_F(HeadlessUi, NavigationBarSwitchesPanels) {
  frame();
  click(item_centre("Navigation", "Map"));
  EXPECT_EQ(state.selected_panel, panel::map);
  click(item_centre("Navigation", "Time"));
  EXPECT_EQ(state.selected_panel, panel::time);
  frame();
  EXPECT_TRUE(drawn("Time"));
}

TEST_F(HeadlessUi, TimeButtonsPauseStepAndSetTheSpeed) {
  state.selected_panel = panel::time;
  frame();
  click(item_centre("Time", "Pause"));
  EXPECT_TRUE(state.time.paused);
  EXPECT_EQ(advance(state.time, 1.0), 0);

  click(item_centre("Time", "Step 1 min"));
  EXPECT_TRUE(state.time.step_requested);
  EXPECT_EQ(advance(state.time, 1.0), 60'000);

  click(item_centre("Time", "Resume"));
  EXPECT_FALSE(state.time.paused);
  for (int speed : time_speeds) {
    const std::string label = std::to_string(speed) + "x";
    click(item_centre("Time", label.c_str()));
    EXPECT_EQ(state.time.speed, speed);
    EXPECT_EQ(advance(state.time, 0.25), 250LL * speed);
  }
}

TEST_F(HeadlessUi, TimeJumpToALocalTime) {
  state.selected_panel = panel::time;
  frame();
  click(item_centre("Time", "##jump"));
  type("2026-11-24 09:30");
  EXPECT_EQ(state.jump_buffer, "2026-11-24 09:30");
  click(item_centre("Time", "Jump"));
  // 09:30 in Nairobi (UTC+3) is 06:30 UTC: 2 h 27 min after 04:03 UTC.
  EXPECT_EQ(take_jump(state.time), now + (2 * 60 + 27) * 60'000LL);
  EXPECT_TRUE(state.jump_buffer.empty());
}

TEST_F(HeadlessUi, AssignSendsTheChosenAgentToAnOpenWorkOrder) {
  vm.work_orders.push_back({"WO-2", "ST-1", "slot_fault", "open", "", vm.now_ms + 3'600'000});
  vm.agents.push_back({"A-2", -1.29, 36.81, agent_state::idle, ""});
  state.selected_panel = panel::agents_work_orders;
  state.assign_agent = "A-2";
  frame();
  const ImGuiWindow* window = ImGui::FindWindowByName("Agents & work orders");
  ASSERT_NE(window, nullptr);
  const ImGuiID table = ImHashStr("work_orders", 0, window->ID);
  const ImGuiID row = ImHashStr("WO-2", 0, table);  // PushID(w.id)
  // A scrolling table draws in a child window named "<parent>/<table>_<table id>" (ImGui 1.86).
  char child[128];
  std::snprintf(child, sizeof child, "Agents & work orders/work_orders_%08X", table);
  click(item_centre(child, ImHashStr("Assign", 0, row)));
  ASSERT_EQ(state.actions.size(), 1u);
  const auto* assign = std::get_if<actions::assign_work_order>(&state.actions[0]);
  ASSERT_NE(assign, nullptr);
  EXPECT_EQ(assign->work_order_id, "WO-2");
  EXPECT_EQ(assign->agent_id, "A-2");
}

TEST_F(HeadlessUi, AssignDefaultsToTheFirstAgentOnDuty) {
  vm.agents = {{"A-0", 0, 0, agent_state::offline, ""}, {"A-1", 0, 0, agent_state::idle, ""}};
  state.selected_panel = panel::agents_work_orders;
  frame();
  EXPECT_EQ(state.assign_agent, "A-1");
}

TEST_F(HeadlessUi, DisableASlotQueuesAnAction) {
  state.selected_panel = panel::station_detail;
  state.selected_station = "ST-1";
  frame();
  const ImGuiWindow* window = ImGui::FindWindowByName("Station detail");
  ASSERT_NE(window, nullptr);
  const int slot_index = 2;
  const ImGuiID table = ImHashStr("slots", 0, window->ID);
  const ImGuiID slot = ImHashData(&slot_index, sizeof slot_index, table);  // PushID(slot.index)
  click(item_centre("Station detail", ImHashStr("Disable", 0, slot)));
  ASSERT_EQ(state.actions.size(), 1u);
  const auto* disable = std::get_if<actions::set_slot_enabled>(&state.actions[0]);
  ASSERT_NE(disable, nullptr);
  EXPECT_EQ(disable->sn, "ST-1");
  EXPECT_EQ(disable->slot, 2);
  EXPECT_FALSE(disable->enabled);
}

TEST_F(HeadlessUi, RenameTheSelectedStationQueuesAnAction) {
  state.selected_panel = panel::stations;
  state.selected_station = "ST-2";
  frame();
  click(item_centre("Stations", "##rename"));
  type("Westlands Mall");
  click(item_centre("Stations", "Rename"));
  ASSERT_EQ(state.actions.size(), 1u);
  const auto* rename = std::get_if<actions::rename_station>(&state.actions[0]);
  ASSERT_NE(rename, nullptr);
  EXPECT_EQ(rename->sn, "ST-2");
  EXPECT_EQ(rename->new_name, "Westlands Mall");
  EXPECT_TRUE(state.rename_buffer.empty());
}

}  // namespace
}  // namespace swaptwin::viewer::viewer_test
