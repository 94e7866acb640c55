// Stations panel (the list, rename, accept/reject) and Station detail panel (the slot grid).
#include <algorithm>

#include "viewer/format.hpp"
#include "viewer/panels.hpp"

#include <imgui_stdlib.h>  // after imgui.h (it needs IMGUI_API)

namespace swaptwin::viewer::detail {

namespace {

constexpr ImGuiTableFlags table_flags =
    ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;

/// The rename field and button for the selected station.
void draw_rename(const station_view& s, ui_state& state) {
  ImGui::Text("Selected: %s  %s", s.sn.c_str(), s.name.c_str());
  ImGui::SetNextItemWidth(240);
  ImGui::InputTextWithHint("##rename", "new name", &state.rename_buffer);
  ImGui::SameLine();
  if (ImGui::Button("Rename") && !state.rename_buffer.empty()) {
    state.actions.emplace_back(actions::rename_station{s.sn, state.rename_buffer});
    state.rename_buffer.clear();
  }
  if (s.pending) {
    ImGui::SameLine();
    if (ImGui::Button("Accept")) state.actions.emplace_back(actions::accept_station{s.sn});
    ImGui::SameLine();
    if (ImGui::Button("Reject")) state.actions.emplace_back(actions::reject_station{s.sn});
  }
}

/// One slot cell: index and state, a SoC bar, pack and temperature; a button to disable/enable.
void draw_slot(const station_view& s, const slot_view& slot, bool stale, ui_state& state) {
  ImGui::PushID(slot.index);
  ImGui::BeginGroup();
  ImGui::Text("Slot %d: %s", slot.index, slot_state_label(slot.state));
  if (slot.pack_sn.empty()) {
    ImGui::ProgressBar(0.0f, ImVec2(150, 0), "no pack");
  } else {
    const std::string soc = std::to_string(slot.soc_percent) + "%";
    ImGui::ProgressBar(std::clamp(slot.soc_percent, 0, 100) / 100.0f, ImVec2(150, 0), soc.c_str());
    ImGui::TextDisabled("%s", slot.pack_sn.c_str());
  }
  if (slot.pack_sn.empty()) ImGui::TextDisabled("no reading");  // the temperature is the pack's
  else ImGui::Text("%.1f C", slot.temperature_c);
  if (!stale) {
    const bool disabled = slot.state == slot_state::disabled;
    if (ImGui::SmallButton(disabled ? "Enable" : "Disable")) {
      state.actions.emplace_back(actions::set_slot_enabled{s.sn, slot.index, disabled});
    }
  }
  ImGui::EndGroup();
  ImGui::PopID();
}

/// One row of the Stations table.
void draw_station_row(const view_model& vm, const station_view& s, ui_state& state) {
  ImGui::PushID(s.sn.c_str());
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  if (ImGui::Selectable(s.sn.c_str(), s.sn == state.selected_station)) state.selected_station = s.sn;
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(s.name.c_str());
  ImGui::TableNextColumn();
  ImGui::TextColored(category_text_colour(s.category), "%s%s", s.online ? "online" : "offline",
                     s.pending ? " (pending)" : "");
  ImGui::TableNextColumn();
  ImGui::Text("%d", s.ready_packs);
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(s.online ? "now" : last_seen_text(vm, s.last_seen_ms).c_str());
  ImGui::TableNextColumn();
  if (ImGui::SmallButton("Open")) {
    state.selected_station = s.sn;
    state.selected_panel = panel::station_detail;
  }
  ImGui::PopID();
}

}  // namespace

void draw_stations(const view_model& vm, ui_state& state) {
  if (const station_view* selected = find_station(vm, state.selected_station)) draw_rename(*selected, state);
  ImGui::Separator();
  if (!ImGui::BeginTable("stations", 6, table_flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("SN");
  ImGui::TableSetupColumn("Name");
  ImGui::TableSetupColumn("State");
  ImGui::TableSetupColumn("Ready packs");
  ImGui::TableSetupColumn("Last seen");
  ImGui::TableSetupColumn("Details");
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;  // only the visible rows: a network has thousands of stations
  clipper.Begin(static_cast<int>(vm.stations.size()));
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      draw_station_row(vm, vm.stations[static_cast<std::size_t>(row)], state);
    }
  }
  ImGui::EndTable();
}

void draw_station_detail(const view_model& vm, ui_state& state) {
  const station_view* s = find_station(vm, state.selected_station);
  if (s == nullptr) {
    ImGui::TextUnformatted("No station selected: pick one on the Map or in Stations.");
    return;
  }
  ImGui::Text("%s  %s", s->sn.c_str(), s->name.c_str());
  ImGui::TextColored(category_text_colour(s->category), "%s, %d ready packs", category_label(s->category),
                     s->ready_packs);
  ImGui::Text("Position %.5f, %.5f", s->lat, s->lon);

  // The seed: details are only current while the station is online; otherwise show them as stale.
  const bool stale = !s->online;
  if (stale) {
    const std::string since = s->last_seen_ms == 0 ? std::string("never seen")
                                                   : local_time(vm, s->last_seen_ms);
    ImGui::TextColored(ImVec4(1.0f, 0.75f, 0.2f, 1.0f), "Last known state, offline since %s", since.c_str());
  }
  ImGui::Separator();

  if (stale) ImGui::PushStyleVar(ImGuiStyleVar_Alpha, 0.5f);
  const int columns = std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / 180.0f));
  if (ImGui::BeginTable("slots", columns, ImGuiTableFlags_Borders)) {
    for (const slot_view& slot : s->slots) {
      ImGui::TableNextColumn();
      draw_slot(*s, slot, stale, state);
    }
    ImGui::EndTable();
  }
  if (stale) ImGui::PopStyleVar();
}

}  // namespace swaptwin::viewer::detail
