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

// One HTTP/1.1 request over a plain socket (Connection: close); the whole response, "" on failure.
std::string http_get(std::uint16_t port, const std::string& path, const std::string& bearer) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  timeval tv{5, 0};  // a deadline on every read and write
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {};
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!bearer.empty()) req += "Authorization: Bearer " + bearer + "\r\n";
  req += "\r\n";
  std::string out;
  if (::send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size())) {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

TEST(cli_serve, the_operator_api_answers_beside_the_gateway_with_tokens) {
  const auto dir = fs::temp_directory_path() / ("swaptwin_serve_api_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto db = (dir / "live.db").string();
  auto r = run_swaptwin({"admin", "--db", db, "token", "add", "ops", "--role", "viewer"}, dir, dir);
  ASSERT_EQ(r.code, 0) << describe(r);
  const auto at = r.out.find("bearer: ");  // printed once by `token add`
  ASSERT_NE(at, std::string::npos) << r.out;
  const auto bearer = r.out.substr(at + 8, r.out.find('\n', at) - at - 8);
  server_process server({"serve", "--db", db, "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"}, dir);
  ASSERT_TRUE(server.wait_output("api listening on 127.0.0.1:", 10s)) << server.out << slurp(server.err_path);
  ASSERT_TRUE(server.wait_output("\n", 2s));
  const auto line = server.out.substr(server.out.find("api listening on 127.0.0.1:") + 27);
  const auto port = static_cast<std::uint16_t>(std::stoi(line));
  auto unauthorised = http_get(port, "/api/v1/stations", "");
  EXPECT_EQ(unauthorised.rfind("HTTP/1.1 401", 0), 0u) << unauthorised;
  auto ok = http_get(port, "/api/v1/stations", bearer);
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  ASSERT_EQ(::kill(server.pid, SIGTERM), 0);
  EXPECT_EQ(server.wait_exit(10s), 0) << slurp(server.err_path);
  fs::remove_all(dir);
}

// Issue 11: at start, serve says which stations admission will refuse and what to do; its
// admission flags work end to end (--refuse-unauthenticated, --max-pending-per-address).
TEST(cli_serve, says_at_start_which_stations_lack_a_credential_and_applies_its_admission_flags) {
  const auto dir = fs::temp_directory_path() / ("swaptwin_serve_cred_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto db = (dir / "live.db").string();
  {
    adapters::store s{db};
    for (const char* sn : {"OLD-1", "OLD-2", "OPEN-1"})  // accepted, as stations from before migration 8 are
      ASSERT_TRUE(s.add_station(twin::make_station(sn, sn, {}, 2, 1000, twin::from_ms(0))));
    ASSERT_TRUE(s.set_station_no_password("OPEN-1"));
  }
  auto connect = [](std::uint16_t port, const std::string& sn) {
    adapters::ws_client_options o;
    o.port = port;
    o.path = "/ocpp/" + sn;
    adapters::ws_client client(o);
    return client.connect_and_wait(5s);
  };
  {  // by default: the station marked --no-password is admitted, those with neither are not
    const auto port = free_port();
    const auto listen = "127.0.0.1:" + std::to_string(port);
    server_process server({"serve", "--db", db, "--listen", listen, "--max-pending-per-address", "1"}, dir);
    ASSERT_TRUE(server.wait_output("listening on " + listen, 10s)) << slurp(server.err_path);
    EXPECT_EQ(connect(port, "OPEN-1").http_status, 101);
    EXPECT_EQ(connect(port, "OLD-1").http_status, 401);
    EXPECT_EQ(connect(port, "NEW-1").http_status, 101);  // held pending
    const auto capped = connect(port, "NEW-2");          // beyond --max-pending-per-address 1
    EXPECT_EQ(capped.http_status, 429);
    EXPECT_EQ(capped.message, "too many pending stations from this address");
    EXPECT_EQ(connect(port, "BAD%20ID").http_status, 400);
    ASSERT_EQ(::kill(server.pid, SIGTERM), 0);
    EXPECT_EQ(server.wait_exit(10s), 0) << slurp(server.err_path);
    const auto err = slurp(server.err_path);
    EXPECT_NE(err.find("swaptwin serve: 2 accepted station(s) have no password and are not marked --no-password: "
                       "their cabinets are refused (HTTP 401) until an operator runs `swaptwin admin station "
                       "set-password SN --password P` (or --generate), or `... SN --no-password` to admit them without "
                       "credentials; list them with `swaptwin admin station list --credential missing`\n"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("swaptwin serve: 1 station(s) marked --no-password are admitted without credentials "
                       "(--refuse-unauthenticated refuses them)\n"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("cap: serve --max-pending-per-address 1"), std::string::npos) << err;
  }
  {  // --refuse-unauthenticated: neither the --no-password station nor an unknown SN gets in
    const auto port = free_port();
    const auto listen = "127.0.0.1:" + std::to_string(port);
    server_process server({"serve", "--db", db, "--listen", listen, "--refuse-unauthenticated"}, dir, "serve2.stderr");
    ASSERT_TRUE(server.wait_output("listening on " + listen, 10s)) << slurp(server.err_path);
    EXPECT_EQ(connect(port, "OPEN-1").http_status, 401);
    EXPECT_EQ(connect(port, "NEW-3").http_status, 404);
    ASSERT_EQ(::kill(server.pid, SIGTERM), 0);
    EXPECT_EQ(server.wait_exit(10s), 0) << slurp(server.err_path);
    EXPECT_NE(slurp(server.err_path).find("swaptwin serve: --refuse-unauthenticated: 1 station(s) marked --no-password "
                                          "are refused (HTTP 401) until they have a password"),
              std::string::npos);
    adapters::store s{db};
    EXPECT_FALSE(s.station("NEW-3").has_value());
    EXPECT_EQ(s.pending_counts("127.0.0.1").first, 1u);  // NEW-1 only
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
