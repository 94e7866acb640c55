// Dashboard panel: the seed's "general information" on the right of the navigation bar.
#include <algorithm>
#include <cstdio>

#include "viewer/format.hpp"
#include "viewer/panels.hpp"

namespace swaptwin::viewer::detail {

namespace {

/// Hour labels (00, 03, ... 21) under a histogram of `bars` hourly bars drawn in [min, max]: each
/// label centred under its bar, as ImGui lays the bars out inside the frame padding.
void draw_hour_axis(ImVec2 min, ImVec2 max, int bars) {
  const ImVec2 pad = ImGui::GetStyle().FramePadding;
  const float left = min.x + pad.x, bar_w = (max.x - pad.x - left) / static_cast<float>(bars);
  const float y = ImGui::GetCursorScreenPos().y;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 colour = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (int h = 0; h < bars; h += 3) {
    char label[12];  // room for any int: the compiler cannot see h < 24
    std::snprintf(label, sizeof label, "%02d", h);
    const float w = ImGui::CalcTextSize(label).x;
    draw->AddText(ImVec2(left + (static_cast<float>(h) + 0.5f) * bar_w - w / 2, y), colour, label);
  }
  ImGui::Dummy(ImVec2(max.x - min.x, ImGui::GetTextLineHeight()));
}

}  // namespace

void draw_dashboard(const view_model& vm, ui_state& /*state*/) {
  const dashboard_view& d = vm.dashboard;
  ImGui::Text("Today, %s", local_time(vm, vm.now_ms).c_str());
  ImGui::Separator();

  ImGui::TextUnformatted("Revenue today");
  if (d.revenue_today.empty()) ImGui::BulletText("none");
  for (const money_amount& m : d.revenue_today) ImGui::BulletText("%s", format_money(m, vm).c_str());

  ImGui::Text("Riders today: %s", format_thousands(d.riders_today).c_str());
  ImGui::TextUnformatted("Plans sold today");
  if (d.plans_sold_today.empty()) ImGui::BulletText("none");
  for (const plans_sold& p : d.plans_sold_today) {
    ImGui::BulletText("%s: %s", p.kind.c_str(), format_thousands(p.count).c_str());
  }
  ImGui::Text("Stations: %s online, %s offline", format_thousands(d.stations_online).c_str(),
              format_thousands(d.stations_offline).c_str());
  ImGui::Text("Open work orders: %s", format_thousands(d.open_work_orders).c_str());
  ImGui::Separator();

  float total = 0;
  float peak = 0;
  for (float v : d.swaps_per_hour) {
    total += v;
    peak = std::max(peak, v);
  }
  char overlay[64];
  std::snprintf(overlay, sizeof overlay, "%.0f swaps today, peak %.0f/h", total, peak);
  ImGui::TextUnformatted("Swaps per hour (00-23, operator's time)");
  // An explicit width: ImGui 1.86 draws nothing for width -1.
  const float width = std::max(200.0f, ImGui::GetContentRegionAvail().x);
  ImGui::PlotHistogram("##swaps_per_hour", d.swaps_per_hour.data(), static_cast<int>(d.swaps_per_hour.size()),
                       0, overlay, 0.0f, std::max(1.0f, peak * 1.1f), ImVec2(width, 160));
  draw_hour_axis(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), static_cast<int>(d.swaps_per_hour.size()));
}

}  // namespace swaptwin::viewer::detail
