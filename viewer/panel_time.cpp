// Time panel: pause, step, speed, jump. It only writes requests into ui_state::time.
#include <algorithm>
#include <string>

#include "viewer/format.hpp"
#include "viewer/panels.hpp"

#include <imgui_stdlib.h>  // after imgui.h (it needs IMGUI_API)

namespace swaptwin::viewer::detail {

void draw_time(const view_model& vm, ui_state& state) {
  time_control& t = state.time;
  ImGui::Text("Now: %s", local_time(vm, vm.now_ms).c_str());
  if (!vm.time_zone_name.empty()) ImGui::TextDisabled("%s", vm.time_zone_name.c_str());
  ImGui::Text("%s at %dx", t.paused ? "Paused" : "Running", t.speed);
  ImGui::Separator();

  if (ImGui::Button(t.paused ? "Resume" : "Pause")) t.paused = !t.paused;
  ImGui::SameLine();
  const std::string step_label = "Step " + format_duration(t.step_ms);
  if (ImGui::Button(step_label.c_str())) t.step_requested = true;

  ImGui::TextUnformatted("Speed");
  for (int speed : time_speeds) {
    ImGui::SameLine();
    const std::string label = std::to_string(speed) + "x";
    const bool current = t.speed == speed;
    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::Button(label.c_str())) t.speed = speed;
    if (current) ImGui::PopStyleColor();
  }

  ImGui::Separator();
  ImGui::TextUnformatted("Jump to (YYYY-MM-DD HH:MM, operator's time)");
  ImGui::SetNextItemWidth(200);
  ImGui::InputTextWithHint("##jump", format_local_time(vm.now_ms, vm.utc_offset_minutes).c_str(),
                           &state.jump_buffer);
  ImGui::SameLine();
  std::int64_t target = 0;
  const bool valid = parse_local_time(state.jump_buffer, vm.utc_offset_minutes, target);
  if (ImGui::Button("Jump") && valid) {
    t.jump_to_ms = target;
    state.jump_buffer.clear();
  }
  if (!state.jump_buffer.empty() && !valid) ImGui::TextDisabled("not a time: YYYY-MM-DD HH:MM");
  if (t.jump_to_ms) ImGui::Text("Jumping to %s", local_time(vm, *t.jump_to_ms).c_str());

  // A source with a timeline (a replay): a slider over it, in whole minutes; letting go jumps.
  const source_view& src = vm.source;
  if (src.timeline_end_ms > src.timeline_start_ms) {
    ImGui::Separator();
    ImGui::Text("Timeline: %s .. %s", local_time(vm, src.timeline_start_ms).c_str(),
                local_time(vm, src.timeline_end_ms).c_str());
    const std::int64_t lo = 0, hi = (src.timeline_end_ms - src.timeline_start_ms) / 60'000;
    std::int64_t& minute = state.timeline_minute;
    if (!state.timeline_dragging) minute = std::clamp<std::int64_t>((vm.now_ms - src.timeline_start_ms) / 60'000, lo, hi);
    ImGui::SetNextItemWidth(-1);
    const std::string label = format_local_time(src.timeline_start_ms + minute * 60'000, vm.utc_offset_minutes);
    ImGui::SliderScalar("##timeline", ImGuiDataType_S64, &minute, &lo, &hi, label.c_str());
    state.timeline_dragging = ImGui::IsItemActive();
    if (ImGui::IsItemDeactivatedAfterEdit()) t.jump_to_ms = src.timeline_start_ms + minute * 60'000;
  }
}

}  // namespace swaptwin::viewer::detail
