// Map panel: an ImDrawList canvas. Stations are filled circles in their category's colour, agents
// small triangles with a line to their work order's station. Left click selects the station under
// the cursor and opens its detail; drag with the right button pans; the wheel zooms.
#include <algorithm>
#include <cmath>
#include <vector>

#include <imgui_internal.h>  // ImRect

#include "viewer/format.hpp"
#include "viewer/panels.hpp"

namespace swaptwin::viewer {

namespace {

constexpr double pi = 3.14159265358979323846;

/// Longitude pixels per degree at the view's centre latitude.
double lon_scale(const map_view& view) {
  return view.pixels_per_degree * std::cos(view.center_lat * pi / 180.0);
}

/// Centres the view on the stations' bounding box and zooms so that they all fit with a margin.
void fit_to_stations(const view_model& vm, map_view& view) {
  if (vm.stations.empty() || view.canvas_size.x <= 0 || view.canvas_size.y <= 0) return;
  double lat_min = vm.stations.front().lat, lat_max = lat_min;
  double lon_min = vm.stations.front().lon, lon_max = lon_min;
  for (const station_view& s : vm.stations) {
    lat_min = std::min(lat_min, s.lat);
    lat_max = std::max(lat_max, s.lat);
    lon_min = std::min(lon_min, s.lon);
    lon_max = std::max(lon_max, s.lon);
  }
  view.center_lat = (lat_min + lat_max) / 2;
  view.center_lon = (lon_min + lon_max) / 2;
  const double cos_lat = std::max(0.01, std::cos(view.center_lat * pi / 180.0));
  const double margin = 0.8;  // use 80% of the canvas
  const double by_lat = lat_max > lat_min ? view.canvas_size.y * margin / (lat_max - lat_min) : 1e9;
  const double by_lon = lon_max > lon_min ? view.canvas_size.x * margin / ((lon_max - lon_min) * cos_lat) : 1e9;
  view.pixels_per_degree = std::min({by_lat, by_lon, 1e6});
  view.fitted = true;
}

/// The station whose marker contains `pos`, nearest first; nullptr if none.
const station_view* station_at(const view_model& vm, const map_view& view, ImVec2 pos) {
  const station_view* best = nullptr;
  float best_d2 = marker_hit_radius * marker_hit_radius;
  for (const station_view& s : vm.stations) {
    const ImVec2 p = project(view, s.lat, s.lon);
    const float dx = p.x - pos.x, dy = p.y - pos.y;
    const float d2 = dx * dx + dy * dy;
    if (d2 <= best_d2) {
      best_d2 = d2;
      best = &s;
    }
  }
  return best;
}

/// Legend above the canvas: category names (text in the default colour, so the canvas alone holds
/// the category colours).
void draw_legend(const view_model& vm) {
  int counts[4] = {0, 0, 0, 0};
  for (const station_view& s : vm.stations) ++counts[static_cast<int>(s.category)];
  ImGui::Text("%zu stations: %d online (green), %d low stock (amber), %d offline (grey), %d fault (red); "
              "%zu agents (blue)",
              vm.stations.size(), counts[0], counts[1], counts[2], counts[3], vm.agents.size());
  ImGui::TextDisabled("left click: select a station   right drag: pan   wheel: zoom");
}

}  // namespace

ImVec2 project(const map_view& view, double lat, double lon) {
  const double x = view.canvas_min.x + view.canvas_size.x / 2.0 + (lon - view.center_lon) * lon_scale(view);
  const double y = view.canvas_min.y + view.canvas_size.y / 2.0 - (lat - view.center_lat) * view.pixels_per_degree;
  return ImVec2(static_cast<float>(x), static_cast<float>(y));
}

namespace detail {

void draw_map(const view_model& vm, ui_state& state) {
  map_view& view = state.map;
  draw_legend(vm);

  const ImVec2 size(std::max(ImGui::GetContentRegionAvail().x, 50.0f),
                    std::max(ImGui::GetContentRegionAvail().y, 50.0f));
  view.canvas_min = ImGui::GetCursorScreenPos();
  view.canvas_size = size;
  if (!view.fitted) fit_to_stations(vm, view);

  ImGui::InvisibleButton("canvas", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  const ImGuiIO& io = ImGui::GetIO();

  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
    view.center_lon -= io.MouseDelta.x / lon_scale(view);
    view.center_lat += io.MouseDelta.y / view.pixels_per_degree;
  }
  if (hovered && io.MouseWheel != 0) {
    view.pixels_per_degree = std::clamp(view.pixels_per_degree * std::pow(1.2, io.MouseWheel), 1.0, 1e7);
  }
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    if (const station_view* s = station_at(vm, view, io.MousePos)) {
      state.selected_station = s->sn;
      state.selected_panel = panel::station_detail;
    }
  }

  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 canvas_max(view.canvas_min.x + size.x, view.canvas_min.y + size.y);
  draw->AddRectFilled(view.canvas_min, canvas_max, colours::map_background);
  draw->PushClipRect(view.canvas_min, canvas_max, true);

  // Routes under the stations: a line from each agent to its work order's station.
  for (const agent_view& a : vm.agents) {
    if (const work_order_view* w = find_work_order(vm, a.work_order_id)) {
      if (const station_view* target = find_station(vm, w->station_sn)) {
        draw->AddLine(project(view, a.lat, a.lon), project(view, target->lat, target->lon), colours::agent, 1.5f);
      }
    }
  }

  const station_view* under_mouse = hovered ? station_at(vm, view, io.MousePos) : nullptr;
  int visible = 0;
  for (const station_view& s : vm.stations) {
    const ImVec2 p = project(view, s.lat, s.lon);
    draw->AddCircleFilled(p, marker_radius, category_colour(s.category), marker_segments);
    if (s.sn == state.selected_station) {
      draw->AddCircle(p, marker_radius + 3, colours::selection, marker_segments * 2, 1.5f);
    }
    visible += p.x >= view.canvas_min.x && p.x < canvas_max.x && p.y >= view.canvas_min.y && p.y < canvas_max.y;
  }
  // Names beside the markers when few enough are in view to read them (zoom in for more); a name
  // that would overlap one already written, or another marker, is left out.
  if (visible <= max_labelled_stations) {
    std::vector<ImRect> taken;
    for (const station_view& s : vm.stations) {
      const ImVec2 p = project(view, s.lat, s.lon);
      taken.emplace_back(ImVec2(p.x - marker_radius, p.y - marker_radius), ImVec2(p.x + marker_radius, p.y + marker_radius));
    }
    for (std::size_t i = 0; i < vm.stations.size(); ++i) {
      const station_view& s = vm.stations[i];
      const char* text = s.name.empty() ? s.sn.c_str() : s.name.c_str();
      const ImVec2 p = project(view, s.lat, s.lon);
      const ImVec2 at(p.x + marker_radius + 3, p.y - ImGui::GetTextLineHeight() / 2);
      const ImVec2 size = ImGui::CalcTextSize(text);
      const ImRect box(at, ImVec2(at.x + size.x, at.y + size.y));
      bool clear = true;
      for (std::size_t j = 0; j < taken.size() && clear; ++j) clear = j == i || !taken[j].Overlaps(box);
      if (!clear) continue;
      draw->AddText(at, colours::label, text);
      taken.push_back(box);
    }
  }
  // Agents above the stations, as pins: the triangle's tip is the agent's position, so an agent at a
  // station sits on top of its marker without hiding its colour.
  for (const agent_view& a : vm.agents) {
    const ImVec2 p = project(view, a.lat, a.lon);
    draw->AddTriangleFilled(ImVec2(p.x - 5, p.y - 14), ImVec2(p.x + 5, p.y - 14), ImVec2(p.x, p.y - 4), colours::agent);
  }
  draw->PopClipRect();

  if (under_mouse != nullptr) {
    ImGui::BeginTooltip();
    ImGui::Text("%s  %s", under_mouse->sn.c_str(), under_mouse->name.c_str());
    ImGui::Text("%s, %d ready packs", category_label(under_mouse->category), under_mouse->ready_packs);
    ImGui::EndTooltip();
  }
}

}  // namespace detail
}  // namespace swaptwin::viewer
