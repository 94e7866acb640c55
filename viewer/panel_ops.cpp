// Agents & work orders panel (with SLA countdowns) and Alerts panel.
#include "viewer/format.hpp"
#include "viewer/panels.hpp"

namespace swaptwin::viewer::detail {

namespace {

constexpr ImGuiTableFlags table_flags =
    ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;

const char* agent_state_label(agent_state s) {
  switch (s) {
    case agent_state::idle: return "idle";
    case agent_state::travelling: return "travelling";
    case agent_state::working: return "working";
    case agent_state::offline: return "offline";
  }
  return "?";
}

const agent_view* find_agent(const view_model& vm, const std::string& id) {
  for (const agent_view& a : vm.agents)
    if (a.id == id) return &a;
  return nullptr;
}

const char* severity_label(alert_severity s) {
  switch (s) {
    case alert_severity::info: return "info";
    case alert_severity::warning: return "warning";
    case alert_severity::critical: return "critical";
  }
  return "?";
}

ImVec4 severity_colour(alert_severity s) {
  switch (s) {
    case alert_severity::info: return ImGui::GetStyleColorVec4(ImGuiCol_Text);
    case alert_severity::warning: return ImGui::ColorConvertU32ToFloat4(colours::online_low_stock);
    case alert_severity::critical: return ImGui::ColorConvertU32ToFloat4(colours::fault);
  }
  return ImGui::GetStyleColorVec4(ImGuiCol_Text);
}

/// "due in 1 h 05 min" or "overdue by 12 min" (red when overdue), or "done".
void draw_sla(const view_model& vm, const work_order_view& w) {
  if (w.state == "done") {
    ImGui::TextDisabled("done");
    return;
  }
  const std::int64_t left = w.sla_due_ms - vm.now_ms;
  if (left >= 0) {
    ImGui::Text("due in %s", format_duration(left).c_str());
  } else {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours::fault), "overdue by %s",
                       format_duration(left).c_str());
  }
}

}  // namespace

void draw_agents_work_orders(const view_model& vm, ui_state& state) {
  ImGui::TextUnformatted("Agents");
  const float half = ImGui::GetContentRegionAvail().y / 2;
  if (ImGui::BeginTable("agents", 4, table_flags, ImVec2(0, half))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Agent");
    ImGui::TableSetupColumn("State");
    ImGui::TableSetupColumn("Position");
    ImGui::TableSetupColumn("Work order");
    ImGui::TableHeadersRow();
    for (const agent_view& a : vm.agents) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(a.id.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(agent_state_label(a.state));
      ImGui::TableNextColumn();
      ImGui::Text("%.5f, %.5f", a.lat, a.lon);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(a.work_order_id.empty() ? "-" : a.work_order_id.c_str());
    }
    ImGui::EndTable();
  }

  ImGui::TextUnformatted("Work orders");
  // The agent "Assign" sends: chosen here, by default the first one on duty.
  if (state.assign_agent.empty() || find_agent(vm, state.assign_agent) == nullptr) {
    state.assign_agent.clear();
    for (const agent_view& a : vm.agents)
      if (a.state != agent_state::offline) {
        state.assign_agent = a.id;
        break;
      }
  }
  if (!vm.agents.empty()) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160);
    if (ImGui::BeginCombo("agent to assign", state.assign_agent.empty() ? "-" : state.assign_agent.c_str())) {
      for (const agent_view& a : vm.agents) {
        const std::string label = a.id + " (" + agent_state_label(a.state) + ")";
        if (ImGui::Selectable(label.c_str(), a.id == state.assign_agent)) state.assign_agent = a.id;
      }
      ImGui::EndCombo();
    }
  }
  if (!ImGui::BeginTable("work_orders", 7, table_flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const char* h : {"Work order", "Station", "Kind", "State", "Agent", "SLA", "Action"}) {
    ImGui::TableSetupColumn(h);
  }
  ImGui::TableHeadersRow();
  for (const work_order_view& w : vm.work_orders) {
    ImGui::PushID(w.id.c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(w.id.c_str());
    ImGui::TableNextColumn();
    if (ImGui::Selectable(w.station_sn.c_str(), false)) {
      state.selected_station = w.station_sn;
      state.selected_panel = panel::station_detail;
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(w.kind.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(w.state.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(w.agent_id.empty() ? "-" : w.agent_id.c_str());
    ImGui::TableNextColumn();
    draw_sla(vm, w);
    ImGui::TableNextColumn();
    if (w.state == "assigned" && ImGui::SmallButton("Acknowledge")) {
      state.actions.emplace_back(actions::acknowledge_work_order{w.id});
    }
    if (w.state == "open" && !state.assign_agent.empty() && ImGui::SmallButton("Assign")) {
      state.actions.emplace_back(actions::assign_work_order{w.id, state.assign_agent});
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void draw_alerts(const view_model& vm, ui_state& /*state*/) {
  ImGui::Text("%zu alerts, newest first", vm.alerts.size());
  if (!ImGui::BeginTable("alerts", 4, table_flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("When");
  ImGui::TableSetupColumn("Severity");
  ImGui::TableSetupColumn("Station");
  ImGui::TableSetupColumn("What");
  ImGui::TableHeadersRow();
  for (auto it = vm.alerts.rbegin(); it != vm.alerts.rend(); ++it) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_local_time(it->at_ms, vm.utc_offset_minutes).c_str());
    ImGui::TableNextColumn();
    ImGui::TextColored(severity_colour(it->severity), "%s", severity_label(it->severity));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(it->station_sn.empty() ? "-" : it->station_sn.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(it->text.c_str());
  }
  ImGui::EndTable();
}

}  // namespace swaptwin::viewer::detail
