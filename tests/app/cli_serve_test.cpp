// `swaptwin serve` as a process: it listens, a cabinet boots over a real socket and is told
// Pending, and SIGTERM stops it cleanly (exit 0). Waits are on the child's output (poll with a
// deadline) and on its exit, never on fixed sleeps.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/ws_client.hpp"
#include "cli_harness.hpp"

namespace swaptwin::apptest {
namespace {

using namespace std::chrono_literals;

// A port that was free a moment ago (bind 127.0.0.1:0, read it, close).
std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

/// A `swaptwin serve` child whose stdout is a pipe and stderr a file.
struct server_process {
  pid_t pid = -1;
  int out_fd = -1;
  std::string out;
  fs::path err_path;

  server_process(const std::vector<std::string>& args, const fs::path& dir) : err_path(dir / "serve.stderr") {
    int p[2];
    if (::pipe(p) != 0) return;
    std::vector<std::string> argv_s{SWAPTWIN_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid = ::fork();
    if (pid == 0) {  // child: async-signal-safe calls only
      int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err < 0 || ::chdir(dir.c_str()) != 0) ::_exit(126);
      ::dup2(p[1], 1);
      ::dup2(err, 2);
      ::close(p[0]);
      ::close(p[1]);
      ::close(err);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(p[1]);
    out_fd = p[0];
  }
  ~server_process() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      int st = 0;
      ::waitpid(pid, &st, 0);
    }
    if (out_fd >= 0) ::close(out_fd);
  }

  /// Reads stdout until it contains `text` or `timeout` passes.
  bool wait_output(const std::string& text, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (out.find(text) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd{out_fd, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[512];
      const auto n = ::read(out_fd, buf, sizeof buf);
      if (n <= 0) return false;  // the child closed stdout (it ended)
      out.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }

  /// Waits for the child to end; its exit code (128 + signal), or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      int st = 0;
      const pid_t r = ::waitpid(pid, &st, WNOHANG);
      if (r == pid) {
        pid = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      // Paced wait for the child's exit: its stdout reaching EOF wakes us at once.
      pollfd pfd{out_fd, POLLIN, 0};
      if (::poll(&pfd, 1, 20) > 0) {
        char buf[512];
        const auto n = ::read(out_fd, buf, sizeof buf);
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
        else ::poll(nullptr, 0, 10);  // EOF: the child is exiting, reap it shortly
      }
    }
    return -1;
  }
};

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
