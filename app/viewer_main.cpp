// swaptwin-viewer: the thin GLFW + OpenGL 3 shell round the viewer UI library. Its model comes
// from one source (app/viewer_source.hpp): a simulation run in-process (SCENARIO), a journal
// replayed (--replay), a live server's feed (--connect) or a back-office database (--db).
// --screenshot renders --frames frames and writes the last one as a PNG.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <GL/gl.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include "app/viewer_source.hpp"
#include "twin/time.hpp"
#include "viewer/fonts.hpp"
#include "viewer/ui.hpp"

namespace {

using namespace swaptwin;

/// Options of swaptwin-viewer.
struct options {
  std::string scenario;     // positional: simulate it in-process
  std::string replay;       // --replay JOURNAL
  std::string connect;      // --connect HOST:PORT
  std::string token;
  bool feed_json = false;
  std::optional<std::uint64_t> seed;
  std::optional<double> days;
  double wait_s = 10;
  std::string db_path;
  std::string now_text;
  std::string tz;
  std::string panel_name;
  std::string station_sn;
  std::string screenshot;
  std::string dump_text;    // --dump-text FILE: the last screenshot frame's panel as text
  int frames = 3;
  int width = 1280;
  int height = 800;
  double refresh_s = 5.0;
  std::vector<double> map_center;  // lat, lon; empty: fit the map to all stations
  double map_zoom = 12000;         // pixels per degree of latitude, with map_center
};

/// Letters and digits of `s`, lower case: "Station detail", "station-detail" -> "stationdetail".
std::string squash(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  return out;
}

std::optional<viewer::panel> find_panel(const std::string& name) {
  for (int i = 0; i < viewer::panel_count; ++i) {
    auto p = static_cast<viewer::panel>(i);
    if (squash(viewer::panel_title(p)) == squash(name)) return p;
  }
  return std::nullopt;
}

std::string panel_names() {
  std::string out;
  for (int i = 0; i < viewer::panel_count; ++i)
    out += (i ? ", " : "") + std::string{"\""} + viewer::panel_title(static_cast<viewer::panel>(i)) + "\"";
  return out;
}

int fail(const std::string& what) {
  std::cerr << "swaptwin-viewer: " << what << '\n';
  return 1;
}

/// Reads the back buffer (after rendering, before the swap) and writes it to `path` as a PNG.
bool write_png(const std::string& path, int w, int h) {
  std::vector<unsigned char> px(static_cast<size_t>(w) * static_cast<size_t>(h) * 4);
  glFinish();
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  const size_t row = static_cast<size_t>(w) * 4;
  std::vector<unsigned char> flipped(px.size());
  for (int y = 0; y < h; ++y)
    std::copy_n(px.data() + static_cast<size_t>(h - 1 - y) * row, row, flipped.data() + static_cast<size_t>(y) * row);
  for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;  // opaque, whatever the visual's alpha
  return stbi_write_png(path.c_str(), w, h, 4, flipped.data(), static_cast<int>(row)) != 0;
}

/// Writes `text` to `path`.
bool write_text(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

/// The one source the command line names, or an error for the user.
std::unique_ptr<app::viewer_source> make_source(const options& o, std::optional<std::int64_t> now_ms) {
  const int sources = !o.scenario.empty() + !o.replay.empty() + !o.connect.empty() + !o.db_path.empty();
  if (sources != 1)
    throw std::invalid_argument("give exactly one source: SCENARIO, --replay JOURNAL, --connect HOST:PORT or --db FILE");
  if (!o.scenario.empty()) return app::make_sim_source({o.scenario, o.seed, o.days, now_ms, o.tz});
  if (!o.replay.empty()) return app::make_replay_source({o.replay, now_ms, o.tz});
  if (!o.connect.empty()) {
    const auto colon = o.connect.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == o.connect.size())
      throw std::invalid_argument("--connect: \"" + o.connect + "\" is not HOST:PORT, e.g. 127.0.0.1:8090");
    if (o.token.empty()) throw std::invalid_argument("--connect needs --token (make one with `swaptwin admin token add`)");
    return app::make_live_source({o.connect.substr(0, colon), o.connect.substr(colon + 1), o.token, o.tz, o.feed_json});
  }
  return app::make_db_source({o.db_path, now_ms, o.tz, o.refresh_s});
}

int run(const options& o) {
  std::optional<std::int64_t> fixed_now;
  if (!o.now_text.empty()) {
    auto t = twin::parse_instant(o.now_text);
    if (!t) return fail("--now: \"" + o.now_text + "\" is not an instant like 2026-11-23T08:30:00Z");
    fixed_now = t->time_since_epoch().count();
  }
  viewer::ui_state state;
  if (!o.panel_name.empty()) {
    auto p = find_panel(o.panel_name);
    if (!p) return fail("--panel: no panel \"" + o.panel_name + "\"; one of " + panel_names());
    state.selected_panel = *p;
  } else if (!o.station_sn.empty()) {
    state.selected_panel = viewer::panel::station_detail;
  }
  state.selected_station = o.station_sn;
  if (o.map_center.size() == 2) {  // a city of a network spread over continents
    state.map.center_lat = o.map_center[0];
    state.map.center_lon = o.map_center[1];
    state.map.pixels_per_degree = o.map_zoom;
    state.map.fitted = true;
  }
  const bool shooting = !o.screenshot.empty();
  if (shooting && o.frames < 2) return fail("--frames: at least 2 (the first frame draws every title bar active)");

  auto source = make_source(o, fixed_now);
  viewer::view_model vm;
  source->frame(0.0, state, vm);  // the first model, before any window: a bad --station fails early
  if (!o.station_sn.empty() && source->ready() && !viewer::find_station(vm, o.station_sn))
    return fail("--station: no station " + o.station_sn);

  glfwSetErrorCallback([](int, const char* what) { std::cerr << "swaptwin-viewer: GLFW: " << what << '\n'; });
  if (!glfwInit()) return fail("no display: run under xvfb-run -a");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_RESIZABLE, shooting ? GLFW_FALSE : GLFW_TRUE);
  GLFWwindow* window = glfwCreateWindow(o.width, o.height, "swaptwin viewer", nullptr, nullptr);
  if (!window) {
    glfwTerminate();
    return fail("cannot open a " + std::to_string(o.width) + "x" + std::to_string(o.height) + " OpenGL 3.3 window");
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(shooting ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  if (shooting) io.ConfigFlags |= ImGuiConfigFlags_NoMouse;  // the Xvfb pointer would raise tooltips
  ImGui::StyleColorsDark();
  // ₹, ₦ and the other currency symbols the default font lacks, from DejaVu Sans when installed.
  viewer::add_fonts_with_currency_symbols();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330");
  std::string panel_text;  // --dump-text: "Copy panel as text" lands here instead of the X clipboard
  if (!o.dump_text.empty()) {
    io.ClipboardUserData = &panel_text;
    io.SetClipboardTextFn = [](void* user, const char* text) { *static_cast<std::string*>(user) = text; };
  }

  int status = 0;
  auto last = std::chrono::steady_clock::now();
  const auto wait_until = last + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double>(o.wait_s));
  int counted = 0;  // screenshot frames drawn since the source became ready
  while (!glfwWindowShouldClose(window)) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    auto t = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(t - last).count();
    last = t;
    if (shooting) io.DeltaTime = 1.0f / 60.0f;  // fixed step: identical pictures
    source->frame(shooting ? 0.0 : dt, state, vm);
    if (!o.dump_text.empty() && source->ready() && counted + 1 >= o.frames) state.copy_panel_text = true;

    ImGui::NewFrame();
    viewer::draw_ui(vm, state);
    ImGui::Render();
    for (const auto& a : state.actions) source->act(a);
    state.actions.clear();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (shooting) {
      if (source->ready()) ++counted;
      else if (t > wait_until) {
        char waited[32];
        std::snprintf(waited, sizeof waited, "%g", o.wait_s);
        status = fail(std::string{"no model within --wait-s "} + waited + " s: " + vm.source.status);
        break;
      }
      if (counted >= o.frames) {
        if (!write_png(o.screenshot, fw, fh)) status = fail("cannot write " + o.screenshot);
        if (!o.dump_text.empty() && !write_text(o.dump_text, panel_text)) status = fail("cannot write " + o.dump_text);
        break;
      }
    }
    glfwSwapBuffers(window);
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"swaptwin-viewer: the Dear ImGui viewer of the swaptwin twin. One source: SCENARIO (simulated\n"
               "in-process), --replay JOURNAL, --connect HOST:PORT --token T (a live `swaptwin serve --api-listen`),\n"
               "or --db FILE (a back-office database)."};
  options o;
  app.add_option("scenario", o.scenario, "Scenario file (*.textproto) to simulate in-process, virtual time stepped each frame");
  app.add_option("--replay", o.replay, "Play this journal (journal.bin of `swaptwin sim --out`) with a time slider");
  app.add_option("--connect", o.connect, "Follow a live server's feed at HOST:PORT (its --api-listen)");
  app.add_option("--token", o.token, "API token for --connect (`swaptwin admin token add`); actions need operator or admin");
  app.add_flag("--feed-json", o.feed_json, "Ask the live feed for protobuf's JSON encoding instead of binary");
  app.add_option("--seed", o.seed, "With SCENARIO: the random seed instead of the scenario's");
  app.add_option("--days", o.days, "With SCENARIO: simulated days instead of the scenario's duration")->check(CLI::PositiveNumber);
  app.add_option("--db", o.db_path, "Back-office database (SQLite), e.g. from `swaptwin demo`");
  app.add_option("--now", o.now_text,
                 "Start at this UTC instant (SCENARIO, --replay: simulated up to it; --db: as of it; default: the start, or the wall clock)");
  app.add_option("--tz", o.tz, "Operator's time zone (IANA name; default: the source's, else UTC)");
  app.add_option("--wait-s", o.wait_s, "With --screenshot: wait this long for the source's first model (a live feed)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--panel", o.panel_name, "Panel to open: " + panel_names() + " (case and punctuation ignored)");
  app.add_option("--station", o.station_sn, "Select this station (opens Station detail unless --panel says otherwise)");
  app.add_option("--screenshot", o.screenshot, "Render --frames frames, write the last one to this PNG and exit");
  app.add_option("--dump-text", o.dump_text, "With --screenshot: also write the last frame's panel as text to this file");
  app.add_option("--frames", o.frames, "Frames to render before the screenshot (at least 2)")->capture_default_str();
  app.add_option("--width", o.width, "Window width in pixels")->capture_default_str()->check(CLI::Range(320, 8192));
  app.add_option("--height", o.height, "Window height in pixels")->capture_default_str()->check(CLI::Range(240, 8192));
  app.add_option("--refresh-s", o.refresh_s, "Re-read the database every this many seconds")->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--map-center", o.map_center, "Centre the map on LAT,LON instead of fitting it to all stations")
      ->delimiter(',')->expected(2);
  app.add_option("--map-zoom", o.map_zoom, "Map zoom with --map-center, in pixels per degree of latitude")
      ->capture_default_str()->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
