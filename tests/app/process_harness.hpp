#pragma once
// Child processes of the `swaptwin` binary for tests of live commands (serve, emulate): stdout
// through a pipe, stderr into a file, waits on output or exit with deadlines, never fixed sleeps.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "cli_harness.hpp"

namespace swaptwin::apptest {

// A port that was free a moment ago (bind 127.0.0.1:0, read it, close).
inline std::uint16_t free_port() {
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

/// A `swaptwin` child (serve, emulate) whose stdout is a pipe and stderr a file.
struct server_process {
  pid_t pid = -1;
  int out_fd = -1;
  std::string out;
  fs::path err_path;

  server_process(const std::vector<std::string>& args, const fs::path& dir, const std::string& err_name = "serve.stderr")
      : err_path(dir / err_name) {
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
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;
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

}  // namespace swaptwin::apptest
