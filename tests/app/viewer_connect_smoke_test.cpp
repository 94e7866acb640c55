// The live smoke tests of swaptwin-viewer --connect, against the real thing: `swaptwin serve` with
// the operator API and `swaptwin emulate` cabinets connected to it (processes). The viewer under
// xvfb-run must show every emulated station online in its Stations panel (its text, written with
// --dump-text, and its screenshot; skipped when xvfb-run is not installed); the live source in this
// process sends actions through the real API and sees their effect come back in the real feed.
// Waits are on the children's output, the database, the view model and exits, with deadlines.
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <stb_image.h>  // libstb exports stbi_info

#include "adapters/live_layout.hpp"
#include "app/viewer_source.hpp"
#include "process_harness.hpp"

namespace swaptwin::apptest {
// Under ASan the GL shell runs with leak checking off (LSAN_OPTIONS): Mesa's llvmpipe driver, loaded
// with dlopen and gone at exit, leaves allocations LeakSanitizer cannot attribute. ASan still stops
// the process on a memory error; the UI library and the sources are leak-checked in-process
// (test_viewer, test_app_viewer_*). Outside sanitizer builds the variable does nothing.

namespace {

using namespace std::chrono_literals;

bool have_xvfb_run() { return std::system("command -v xvfb-run > /dev/null 2>&1") == 0; }

// Paced wait until `check()` holds (false after `timeout`): polls another process's effects.
template <class F>
bool eventually(F check, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (check()) return true;
    ::poll(nullptr, 0, 20);
  }
  return false;
}

// Width and height of the PNG at `path` ({0, 0} when it cannot be read).
std::pair<int, int> png_size(const fs::path& path) {
  int w = 0, h = 0, n = 0;
  if (!stbi_info(path.c_str(), &w, &h, &n)) return {0, 0};
  return {w, h};
}

// `bearer: tok_...` of `swaptwin admin token add`'s output.
std::string bearer_of(const run_result& r) {
  const auto at = r.out.find("bearer: ");
  return at == std::string::npos ? std::string{} : r.out.substr(at + 8, r.out.find('\n', at) - at - 8);
}

// A provisioned back office with an operator token, `serve` with the API, and the emulated cabinets
// all online. Check `ok` (and `failure`) before use.
struct live_stack {
  static constexpr int stations = 3;
  fs::path dir;
  std::string db;
  std::string bearer;  // operator
  std::uint16_t api_port = 0;
  std::vector<std::string> sns;
  std::unique_ptr<server_process> server, emulator;
  bool ok = false;
  std::string failure;

  explicit live_stack(const std::string& name)
      : dir{fs::temp_directory_path() / ("swaptwin_viewer_connect_" + name + "_" + std::to_string(::getpid()))} {
    failure = start();
    ok = failure.empty();
  }

  // Provisions, starts serve and emulate, waits for the cabinets; what went wrong, or "".
  std::string start() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    db = (dir / "live.db").string();
    for (int i = 1; i <= stations; ++i) sns.push_back(adapters::layout::cabinet_sn("VC-", static_cast<std::size_t>(i)));
    auto r = run_swaptwin({"admin", "provision", "--db", db, "--prefix", "VC-", "--stations", std::to_string(stations),
                           "--slots", "6", "--riders-per-station", "2", "--no-password"},
                          dir, dir);
    if (r.code != 0) return describe(r);
    bearer = token("operator");
    const auto port = free_port();
    const auto listen = "127.0.0.1:" + std::to_string(port);
    server = std::make_unique<server_process>(
        std::vector<std::string>{"serve", "--db", db, "--listen", listen, "--api-listen", "127.0.0.1:0", "--heartbeat-s", "5"},
        dir);
    if (!server->wait_output("api listening on 127.0.0.1:", 10s) || !server->wait_output("\n", 2s))
      return server->out + slurp(server->err_path);
    api_port = static_cast<std::uint16_t>(std::stoi(server->out.substr(server->out.find("api listening on 127.0.0.1:") + 27)));
    emulator = std::make_unique<server_process>(
        std::vector<std::string>{"emulate", "--url", "ws://" + listen + "/ocpp", "--prefix", "VC-", "--stations",
                                 std::to_string(stations), "--slots", "6", "--riders", "2", "--seed", "5"},
        dir, "emulate.stderr");
    // Every cabinet booted and is online in the back office (what the feed's board is built from).
    const bool online = eventually(
        [&] {
          adapters::store st{db};
          int n = 0;
          for (const auto& s : st.stations()) n += s.link.online ? 1 : 0;
          return n == stations;
        },
        30s);
    if (!online) return "the cabinets did not all come online: " + slurp(emulator->err_path) + slurp(server->err_path);
    return bearer.empty() ? "no bearer from admin token add" : "";
  }

  // A new token with `role`.
  std::string token(const std::string& role) {
    return bearer_of(run_swaptwin({"admin", "--db", db, "token", "add", "smoke-" + role, "--role", role}, dir, dir));
  }

  ~live_stack() {
    if (emulator && ::kill(emulator->pid, SIGTERM) == 0) {
      EXPECT_EQ(emulator->wait_exit(20s), 0) << slurp(emulator->err_path);
    }
    if (server && ::kill(server->pid, SIGTERM) == 0) {
      EXPECT_EQ(server->wait_exit(20s), 0) << slurp(server->err_path);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

TEST(viewer_connect, the_screenshot_shows_every_emulated_station_online) {
  if (!have_xvfb_run()) GTEST_SKIP() << "xvfb-run is not installed";
  live_stack live{"shot"};
  ASSERT_TRUE(live.ok) << live.failure;
  const auto png = live.dir / "live.png";
  const auto text = live.dir / "live.txt";
  const std::string cmd = "LSAN_OPTIONS=detect_leaks=0 timeout 60 xvfb-run -a -s '-screen 0 1280x800x24' '" +
                          std::string{SWAPTWIN_VIEWER_BIN} +
                          "' --connect 127.0.0.1:" + std::to_string(live.api_port) + " --token '" + live.bearer +
                          "' --panel Stations --screenshot '" + png.string() + "' --dump-text '" + text.string() +
                          "' --frames 3 --wait-s 20 > '" + (live.dir / "viewer.out").string() + "' 2>&1";
  const int st = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << slurp(live.dir / "viewer.out") << slurp(live.server->err_path);

  // The Stations panel lists every emulated station, online, as the live feed says.
  const auto panel = slurp(text);
  for (std::size_t i = 0; i < live.sns.size(); ++i) {
    const auto p = panel.find(live.sns[i]);
    ASSERT_NE(p, std::string::npos) << live.sns[i] << " is not in the Stations panel:\n" << panel;
    const auto next = i + 1 < live.sns.size() ? panel.find(live.sns[i + 1]) : std::string::npos;
    const auto row = panel.substr(p, next == std::string::npos ? std::string::npos : next - p);
    EXPECT_NE(row.find("online"), std::string::npos) << row;
    EXPECT_EQ(row.find("offline"), std::string::npos) << row;
  }
  EXPECT_EQ(png_size(png), (std::pair<int, int>{1280, 800}));
}

// The live source in this process, stepped like the shell steps it.
struct live_viewer {
  std::unique_ptr<app::viewer_source> source;
  viewer::ui_state ui;
  viewer::view_model vm;

  live_viewer(std::uint16_t port, const std::string& token, bool json = false)
      : source{app::make_live_source({"127.0.0.1", std::to_string(port), token, "", json})} {}

  bool frames_until(const std::function<bool(const viewer::view_model&)>& done, std::chrono::milliseconds timeout = 20s) {
    return eventually(
        [&] {
          source->frame(1.0 / 60, ui, vm);
          return done(vm);
        },
        timeout);
  }
};

TEST(viewer_connect, actions_go_through_the_api_and_come_back_in_the_feed) {
  live_stack live{"act"};
  ASSERT_TRUE(live.ok) << live.failure;
  live_viewer v{live.api_port, live.bearer, true};  // the JSON encoding, for once
  ASSERT_TRUE(v.frames_until([&](const viewer::view_model& vm) {
    return v.source->ready() && vm.stations.size() == live.sns.size() && vm.stations[0].online;
  })) << v.vm.source.status;
  EXPECT_EQ(v.vm.source.status, "connected");
  EXPECT_EQ(v.vm.riders.size(), 6u);      // from GET /api/v1/riders
  EXPECT_EQ(v.vm.batteries.size(), 21u);  // GET /api/v1/packs: 15 in slots, 6 with riders
  EXPECT_FALSE(v.vm.plans.empty());

  const auto sn = live.sns[0];
  v.source->act(viewer::actions::rename_station{sn, "Depot"});
  ASSERT_TRUE(v.frames_until([&](const viewer::view_model& vm) {
    const auto* s = viewer::find_station(vm, sn);
    return vm.source.last_action == "renamed " + sn + " to Depot" && s && s->name == "Depot";
  })) << v.vm.source.last_action;
  EXPECT_FALSE(v.vm.source.read_only);

  // A viewer's token reads, and is told it may not act.
  live_viewer reader{live.api_port, live.token("viewer")};
  ASSERT_TRUE(reader.frames_until([&](const viewer::view_model&) { return reader.source->ready(); }));
  EXPECT_EQ(viewer::find_station(reader.vm, sn)->name, "Depot");
  reader.source->act(viewer::actions::set_slot_enabled{sn, 1, false});
  ASSERT_TRUE(reader.frames_until([](const viewer::view_model& vm) { return !vm.source.last_action.empty(); }));
  EXPECT_EQ(reader.vm.source.last_action, "403: needs operator role");
  EXPECT_TRUE(reader.vm.source.read_only);
}

}  // namespace
}  // namespace swaptwin::apptest
