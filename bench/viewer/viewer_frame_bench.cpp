// The viewer's frame time with a big network loaded (default: metro, 1,000 stations, 150,000 riders):
//  - UI work: one frame of the UI library with no backend and no GL (ImGui NewFrame + draw_ui +
//    Render, as tests/viewer does), on each panel, over the simulation's view model;
//  - the simulation source's work per frame at 1x, 100x and 10000x with 60 frames per second: the
//    sim advancing by speed / 60 virtual seconds (sim_runner::go_to), and separately the model update
//    (sim_runner::update: stations, agents, work orders, alerts, dashboard every frame; riders and
//    packs when they changed, at most every 30 frames).
// Median, 95th percentile and maximum over --frames frames; the target is 16 ms per frame of UI work.
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/viewer_sim_runner.hpp"
#include "viewer/ui.hpp"

namespace {

using namespace swaptwin;
using clk = std::chrono::steady_clock;

double ms_since(clk::time_point t0) { return std::chrono::duration<double, std::milli>(clk::now() - t0).count(); }

struct stats {
  double median = 0, p95 = 0, max = 0;
};

stats summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return {};
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)], v.back()};
}

void print(const char* what, const stats& s, const char* tail = "") {
  std::printf("  %-28s %8.2f %8.2f %8.2f%s\n", what, s.median, s.p95, s.max, tail);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"swaptwin viewer frame-time benchmark"};
  std::string path = SWAPTWIN_METRO_SCENARIO;
  double hours = 10;
  double days = 2;
  int frames = 60;
  cli.add_option("--scenario", path, "Scenario file")->capture_default_str();
  cli.add_option("--hours", hours, "Simulate this long before measuring (virtual hours)")->capture_default_str();
  cli.add_option("--days", days, "The run's duration (virtual days)")->capture_default_str();
  cli.add_option("--frames", frames, "Frames measured per panel and per speed")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  auto sc = scenarios::load_scenario(path);
  if (!sc) {
    std::fprintf(stderr, "%s\n", sc.err().what().c_str());
    return 1;
  }
  scenarios::sim_options opt;
  opt.days = days;
  auto t0 = clk::now();
  app::sim_runner run{*sc, opt, {}};
  const double setup_ms = ms_since(t0);
  t0 = clk::now();
  run.go_to(run.session().start_ms() + static_cast<std::int64_t>(hours * 3'600'000));
  const double warm_ms = ms_since(t0);
  viewer::view_model vm;
  t0 = clk::now();
  run.update(vm);
  const double first_ms = ms_since(t0);
  std::printf("%s: %zu stations, %zu riders, %zu packs, %zu open work orders\n", sc->name.c_str(), vm.stations.size(),
              vm.riders.size(), vm.batteries.size(), vm.work_orders.size());
  std::printf("set-up %.0f ms, simulating %.1f h %.0f ms (%lld events), first full model %.1f ms\n\n", setup_ms, hours,
              warm_ms, static_cast<long long>(run.session().event_count()), first_ms);

  // UI work per panel.
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1280, 800);
  io.DeltaTime = 1.0f / 60.0f;
  io.IniFilename = nullptr;
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  viewer::ui_state state;
  state.selected_station = vm.stations.empty() ? std::string{} : vm.stations.front().sn;
  std::printf("UI work per frame (ms), 1280x800, headless     median      p95      max\n");
  double worst_median = 0;
  for (int p = 0; p < viewer::panel_count; ++p) {
    state.selected_panel = static_cast<viewer::panel>(p);
    std::vector<double> t;
    for (int f = 0; f < frames + 3; ++f) {
      auto s = clk::now();
      ImGui::NewFrame();
      viewer::draw_ui(vm, state);
      ImGui::Render();
      if (f >= 3) t.push_back(ms_since(s));  // the first frames of a panel lay its windows out
      state.selected_panel = static_cast<viewer::panel>(p);  // a click in the UI cannot move it
    }
    auto st = summarise(t);
    worst_median = std::max(worst_median, st.median);
    char tail[64];  // what the frame drew: that the panel really is there
    std::snprintf(tail, sizeof tail, "   %7d vertices", ImGui::GetDrawData()->TotalVtxCount);
    print(viewer::panel_title(static_cast<viewer::panel>(p)), st, tail);
  }
  ImGui::DestroyContext();

  // The sim source per frame at 60 frames per second.
  std::printf("\nSimulation source per frame (ms) at 60 fps      median      p95      max\n");
  for (int speed : {1, 100, 10000}) {
    const std::int64_t step_ms = speed * 1000 / 60;
    std::vector<double> sim, model;
    const auto events_before = run.session().event_count();
    for (int f = 0; f < frames; ++f) {
      auto s = clk::now();
      run.go_to(run.session().now_ms() + step_ms);
      sim.push_back(ms_since(s));
      s = clk::now();
      run.update(vm);
      model.push_back(ms_since(s));
    }
    char label[64];
    std::snprintf(label, sizeof label, "%dx sim advance", speed);
    print(label, summarise(sim));
    std::snprintf(label, sizeof label, "%dx model update", speed);
    print(label, summarise(model));
    std::printf("  (%lld events in %d frames)\n", static_cast<long long>(run.session().event_count() - events_before), frames);
  }
  std::printf("\nworst panel median %.2f ms (target 16 ms)\n", worst_median);
  return 0;
}
