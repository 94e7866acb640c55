// Dashboard panel: the seed's "general information" on the right of the navigation bar.
#include <algorithm>
#include <cstdio>

#include "viewer/format.hpp"
#include "viewer/panels.hpp"

namespace swaptwin::viewer::detail {

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
}

}  // namespace swaptwin::viewer::detail
