// The live smoke test of swaptwin-viewer --connect: `swaptwin serve` with the operator API, `swaptwin
// emulate` cabinets connected to it, and the viewer under xvfb-run following the server's feed. The
// viewer's Stations panel (its text, written with --dump-text, and its screenshot) must show every
// emulated station online. Skipped when xvfb-run is not installed. Waits are on the children's
// output, the database and exits, with deadlines.
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <stb_image.h>  // libstb exports stbi_load

#include "adapters/live_layout.hpp"
#include "process_harness.hpp"

namespace swaptwin::apptest {
namespace {

using namespace std::chrono_literals;

bool have_xvfb_run() { return std::system("command -v xvfb-run > /dev/null 2>&1") == 0; }

// Paced wait until `check()` holds (false after `timeout`): polls another process's effects.
template <class F>
bool eventually(F check, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (check()) return true;
    ::poll(nullptr, 0, 50);
  }
  return false;
}

// Width and height of the PNG at `path` ({0, 0} when it cannot be read).
std::pair<int, int> png_size(const fs::path& path) {
  int w = 0, h = 0, n = 0;
  if (!stbi_info(path.c_str(), &w, &h, &n)) return {0, 0};
  return {w, h};
}

TEST(viewer_connect, follows_a_live_server_and_shows_every_emulated_station_online) {
  if (!have_xvfb_run()) GTEST_SKIP() << "xvfb-run is not installed";
  const auto dir = fs::temp_directory_path() / ("swaptwin_viewer_connect_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto db = (dir / "live.db").string();
  constexpr int stations = 3;
  auto r = run_swaptwin({"admin", "provision", "--db", db, "--prefix", "VC-", "--stations", std::to_string(stations),
                         "--slots", "6", "--riders-per-station", "2"},
                        dir, dir);
  ASSERT_EQ(r.code, 0) << describe(r);
  r = run_swaptwin({"admin", "--db", db, "token", "add", "smoke", "--role", "operator"}, dir, dir);
  ASSERT_EQ(r.code, 0) << describe(r);
  const auto at = r.out.find("bearer: ");  // printed once by `token add`
  ASSERT_NE(at, std::string::npos) << r.out;
  const auto bearer = r.out.substr(at + 8, r.out.find('\n', at) - at - 8);

  const auto port = free_port();
  ASSERT_NE(port, 0);
  const auto listen = "127.0.0.1:" + std::to_string(port);
  server_process server({"serve", "--db", db, "--listen", listen, "--api-listen", "127.0.0.1:0", "--heartbeat-s", "5"},
                        dir);
  ASSERT_TRUE(server.wait_output("api listening on 127.0.0.1:", 10s)) << server.out << slurp(server.err_path);
  ASSERT_TRUE(server.wait_output("\n", 2s));
  const auto api_port = std::stoi(server.out.substr(server.out.find("api listening on 127.0.0.1:") + 27));

  server_process emulator({"emulate", "--url", "ws://" + listen + "/ocpp", "--prefix", "VC-", "--stations",
                           std::to_string(stations), "--slots", "6", "--riders", "2", "--seed", "5"},
                          dir, "emulate.stderr");
  ASSERT_GT(emulator.pid, 0);
  std::vector<std::string> sns;
  for (int i = 1; i <= stations; ++i) sns.push_back(adapters::layout::cabinet_sn("VC-", static_cast<std::size_t>(i)));
  // Every cabinet booted and is online in the back office (what the feed's board is built from).
  ASSERT_TRUE(eventually(
      [&] {
        adapters::store st{db};
        int online = 0;
        for (const auto& s : st.stations()) online += s.link.online ? 1 : 0;
        return online == stations;
      },
      30s))
      << slurp(emulator.err_path) << slurp(server.err_path);

  const auto png = dir / "live.png";
  const auto text = dir / "live.txt";
  const std::string cmd = "timeout 60 xvfb-run -a -s '-screen 0 1280x800x24' '" + std::string{SWAPTWIN_VIEWER_BIN} +
                          "' --connect 127.0.0.1:" + std::to_string(api_port) + " --token '" + bearer +
                          "' --panel Stations --screenshot '" + png.string() + "' --dump-text '" + text.string() +
                          "' --frames 3 --wait-s 20 > '" + (dir / "viewer.out").string() + "' 2>&1";
  const int st = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << slurp(dir / "viewer.out") << slurp(server.err_path);

  // The Stations panel lists every emulated station, online, as the live feed says.
  const auto panel = slurp(text);
  for (std::size_t i = 0; i < sns.size(); ++i) {
    const auto p = panel.find(sns[i]);
    ASSERT_NE(p, std::string::npos) << sns[i] << " is not in the Stations panel:\n" << panel;
    const auto next = i + 1 < sns.size() ? panel.find(sns[i + 1]) : std::string::npos;
    const auto row = panel.substr(p, next == std::string::npos ? std::string::npos : next - p);
    EXPECT_NE(row.find("online"), std::string::npos) << row;
    EXPECT_EQ(row.find("offline"), std::string::npos) << row;
  }
  EXPECT_EQ(png_size(png), (std::pair<int, int>{1280, 800}));

  ASSERT_EQ(::kill(emulator.pid, SIGTERM), 0);
  EXPECT_EQ(emulator.wait_exit(20s), 0) << slurp(emulator.err_path);
  ASSERT_EQ(::kill(server.pid, SIGTERM), 0);
  EXPECT_EQ(server.wait_exit(20s), 0) << slurp(server.err_path);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace swaptwin::apptest
