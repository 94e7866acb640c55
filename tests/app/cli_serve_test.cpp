// `swaptwin serve` as a process: it listens, a cabinet boots over a real socket and is told
// Pending, and SIGTERM stops it cleanly (exit 0). Waits are on the child's output (poll with a
// deadline) and on its exit, never on fixed sleeps.
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/ws_client.hpp"
#include "process_harness.hpp"

namespace swaptwin::apptest {
namespace {

using namespace std::chrono_literals;

TEST(cli_serve, boots_a_cabinet_pending_and_stops_on_sigterm) {
  const auto dir = fs::temp_directory_path() / ("swaptwin_serve_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto port = free_port();
  ASSERT_NE(port, 0);
  const auto listen = "127.0.0.1:" + std::to_string(port);
  server_process server({"serve", "--db", (dir / "live.db").string(), "--listen", listen, "--heartbeat-s", "30"}, dir);
  ASSERT_GT(server.pid, 0);
  ASSERT_TRUE(server.wait_output("listening on " + listen, 10s)) << server.out << slurp(server.err_path);

  adapters::ws_client_options o;
  o.port = port;
  o.path = "/ocpp/CAB-LIVE-1";
  adapters::ws_client client(o);
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> texts;
  client.on_text([&](std::string t) {
    std::lock_guard<std::mutex> lock(m);
    texts.push_back(std::move(t));
    cv.notify_all();
  });
  ASSERT_EQ(client.connect_and_wait(5s).status, adapters::ws_connect_status::connected);
  client.send(R"([2,"b1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"SC-12","vendorName":"Acme"}}])");
  {
    std::unique_lock<std::mutex> lock(m);
    ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !texts.empty(); }));
    const auto r = json::parse(texts.front());
    EXPECT_EQ(r.at(0), 3);
    EXPECT_EQ(r.at(1), "b1");
    EXPECT_EQ(r.at(2).at("status"), "Pending");
    EXPECT_EQ(r.at(2).at("interval"), 30);
  }

  ASSERT_EQ(::kill(server.pid, SIGTERM), 0);
  EXPECT_EQ(server.wait_exit(10s), 0) << slurp(server.err_path);
  const auto err = slurp(server.err_path);
  EXPECT_NE(err.find("CAB-LIVE-1: boot Pending"), std::string::npos) << err;
  {  // the unknown cabinet is listed pending for an operator
    adapters::store db{(dir / "live.db").string()};
    auto s = db.station("CAB-LIVE-1");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->reg, twin::registration::pending);
  }
  fs::remove_all(dir);
}

TEST(cli_serve, refuses_a_bad_listen_address) {
  const auto dir = fs::temp_directory_path() / ("swaptwin_serve_bad_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto r = run_swaptwin({"serve", "--db", (dir / "x.db").string(), "--listen", "nowhere"}, dir, dir);
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_NE(r.err.find("--listen"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace swaptwin::apptest
