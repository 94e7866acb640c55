// Batteries, Riders, and Plans & deposits panels: tables over the view model.
#include "viewer/format.hpp"
#include "viewer/panels.hpp"

namespace swaptwin::viewer::detail {

namespace {

constexpr ImGuiTableFlags table_flags =
    ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;

/// Begins a table with a frozen header row of `headers`. Returns false when nothing is to be drawn.
/// Calls `draw_row(i)` for the rows of a table that are visible (thousands of packs and riders).
template <typename DrawRow>
void clipped_rows(std::size_t count, DrawRow draw_row) {
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(count));
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) draw_row(static_cast<std::size_t>(row));
  }
}

template <std::size_t N>
bool begin_table(const char* id, const char* const (&headers)[N], ImVec2 size = ImVec2(0, 0)) {
  if (!ImGui::BeginTable(id, static_cast<int>(N), table_flags, size)) return false;
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const char* h : headers) ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  return true;
}

const char* kyc_label(kyc_state k) {
  switch (k) {
    case kyc_state::unverified: return "unverified";
    case kyc_state::pending: return "pending";
    case kyc_state::verified: return "verified";
    case kyc_state::rejected: return "rejected";
  }
  return "?";
}

}  // namespace

void draw_batteries(const view_model& vm, ui_state& /*state*/) {
  ImGui::Text("%s packs", format_thousands(static_cast<std::int64_t>(vm.batteries.size())).c_str());
  static const char* const headers[] = {"SN", "Model", "SoH", "Cycles", "Where"};
  if (!begin_table("batteries", headers)) return;
  clipped_rows(vm.batteries.size(), [&](std::size_t i) {
    const battery_view& b = vm.batteries[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(b.sn.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(b.model.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%d%%", b.soh_percent);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_thousands(b.cycles).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(b.where.c_str());
  });
  ImGui::EndTable();
}

void draw_riders(const view_model& vm, ui_state& state) {
  ImGui::Text("%s riders", format_thousands(static_cast<std::int64_t>(vm.riders.size())).c_str());
  static const char* const headers[] = {"Rider", "KYC", "Plan", "Deposit", "Action"};
  if (!begin_table("riders", headers)) return;
  clipped_rows(vm.riders.size(), [&](std::size_t i) {
    const rider_view& r = vm.riders[i];
    ImGui::PushID(r.id.c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.id.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(kyc_label(r.kyc));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.plan.empty() ? "-" : r.plan.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(format_money(r.deposit, vm).c_str());
    ImGui::TableNextColumn();
    if (r.kyc == kyc_state::pending && ImGui::SmallButton("Verify")) {
      state.actions.emplace_back(actions::verify_rider{r.id});
    }
    ImGui::PopID();
  });
  ImGui::EndTable();
}

void draw_plans_deposits(const view_model& vm, ui_state& /*state*/) {
  ImGui::TextUnformatted("Plans");
  static const char* const plan_headers[] = {"Plan", "Kind", "Name", "Price"};
  const float half = ImGui::GetContentRegionAvail().y / 2;
  if (begin_table("plans", plan_headers, ImVec2(0, half))) {
    for (const plan_view& p : vm.plans) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(p.id.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(p.kind.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(p.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_money(p.price, vm).c_str());
    }
    ImGui::EndTable();
  }
  ImGui::TextUnformatted("Deposits by battery model");
  static const char* const deposit_headers[] = {"Battery model", "Deposit"};
  if (begin_table("deposits", deposit_headers)) {
    for (const deposit_view& d : vm.deposits) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(d.battery_model.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_money(d.amount, vm).c_str());
    }
    ImGui::EndTable();
  }
}

}  // namespace swaptwin::viewer::detail
