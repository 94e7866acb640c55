#pragma once
// Runs the real `swaptwin` binary as a child process (fork/exec, argv passed as is, no shell) and
// gives each test its own temporary directory and database. Results are read back from the
// database with adapters::store, or compared as a whole-database snapshot.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"

extern char** environ;

namespace swaptwin::apptest {

namespace fs = std::filesystem;
using json = nlohmann::json;

/// The fixed instant every test acts at (a Monday), and the day before.
inline const std::string now_text = "2026-11-23T10:00:00Z";

/// What one run of the binary did.
struct run_result {
  int code = -1;    ///< exit code; 128 + signal when killed by a signal
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs the swaptwin binary with `args` (argv[1..]) in working directory `cwd`, capturing stdout and
/// stderr through files in `scratch`. SWAPTWIN_* variables of the test's environment are not passed on.
inline run_result run_swaptwin(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& scratch) {
  static int counter = 0;
  const auto n = std::to_string(++counter);
  const fs::path out_path = scratch / ("stdout." + n), err_path = scratch / ("stderr." + n);

  std::vector<std::string> argv_s{SWAPTWIN_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "SWAPTWIN_", 9) != 0) envp.push_back(*e);
  envp.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) return {};
  if (pid == 0) {  // child: only async-signal-safe calls from here
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || chdir(cwd.c_str()) != 0) _exit(126);
    dup2(out, 1);
    dup2(err, 2);
    close(out);
    close(err);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  run_result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return r;
}

/// "exit 1, stdout: ..., stderr: ..." for assertion messages.
inline std::string describe(const run_result& r) {
  return "exit " + std::to_string(r.code) + "\n--- stdout ---\n" + r.out + "--- stderr ---\n" + r.err;
}

/// Every row of every table as text, sorted: equal snapshots mean the command changed nothing.
inline std::string db_snapshot(const fs::path& db_path) {
  adapters::store st(db_path.string());
  sqlite3* h = st.db().handle();
  std::vector<std::string> tables;
  {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(h, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &q, nullptr);
    while (sqlite3_step(q) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
    sqlite3_finalize(q);
  }
  std::string out;
  for (const auto& t : tables) {
    std::vector<std::string> rows;
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(h, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &q, nullptr);
    while (sqlite3_step(q) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(q); ++c) {
        const unsigned char* v = sqlite3_column_text(q, c);
        row += (v ? std::string{reinterpret_cast<const char*>(v)} : std::string{"NULL"}) + "|";
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(q);
    std::sort(rows.begin(), rows.end());
    out += "== " + t + " (" + std::to_string(rows.size()) + " rows)\n";
    for (const auto& r : rows) out += r + "\n";
  }
  return out;
}

/// The rows only in `before` ("- ...") and only in `after` ("+ ..."): empty when the snapshots are equal.
inline std::string snapshot_diff(const std::string& before, const std::string& after) {
  auto lines = [](const std::string& s) {
    std::multiset<std::string> m;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) m.insert(l);
    return m;
  };
  const auto a = lines(before), b = lines(after);
  std::vector<std::string> gone, added;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(gone));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(added));
  std::string out;
  for (const auto& l : gone) out += "- " + l + "\n";
  for (const auto& l : added) out += "+ " + l + "\n";
  return out;
}

/// A test with its own directory (unique per test, removed afterwards) and database file.
class cli_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "swaptwin_app_" + std::string{info->test_suite_name()} + "_" + info->name() + "_" +
                       std::to_string(getpid());
    std::replace(name.begin(), name.end(), '/', '_');  // parameterised tests: "Admin/suite", "test/param"
    dir_ = fs::temp_directory_path() / name;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = dir_ / "swaptwin-test.db";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// `swaptwin ARGS...` in the test directory.
  run_result sw(const std::vector<std::string>& args, const fs::path& cwd = {}) {
    return run_swaptwin(args, cwd.empty() ? dir_ : cwd, dir_);
  }
  /// `swaptwin admin --db DB --now NOW ARGS...`.
  run_result admin(const std::vector<std::string>& args, const std::string& now = now_text) {
    std::vector<std::string> all{"admin", "--db", db_.string(), "--now", now};
    all.insert(all.end(), args.begin(), args.end());
    return sw(all);
  }
  /// Runs an admin command that must succeed (exit 0, nothing on stderr); returns stdout.
  std::string ok(const std::vector<std::string>& args, const std::string& now = now_text) {
    auto r = admin(args, now);
    EXPECT_EQ(r.code, 0) << join(args) << "\n" << describe(r);
    EXPECT_EQ(r.err, "") << join(args);
    return r.out;
  }
  /// Runs an admin command with --json that must succeed and print valid JSON.
  json ok_json(std::vector<std::string> args, const std::string& now = now_text) {
    args.push_back("--json");
    auto out = ok(args, now);
    auto j = json::parse(out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << join(args) << " printed invalid JSON:\n" << out;
    return j;
  }
  /// Opens the test database (a second connection, as another process would).
  adapters::store store() { return adapters::store(db_.string()); }
  std::string snapshot() { return db_snapshot(db_); }
  /// What changed in the database since `before` (a snapshot()); empty when nothing did.
  std::string changes_since(const std::string& before) { return snapshot_diff(before, snapshot()); }

  static std::string join(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
    return s;
  }

  fs::path dir_;
  fs::path db_;
};

/// A failed command: exit 1, nothing on stdout, exactly one line "swaptwin: CODE: ..." on stderr.
#define EXPECT_ONE_LINE_ERROR(r, code_str)                                                         \
  do {                                                                                             \
    const auto& r_ = (r);                                                                          \
    EXPECT_EQ(r_.code, 1) << describe(r_);                                                         \
    EXPECT_EQ(r_.out, "") << describe(r_);                                                         \
    EXPECT_EQ(std::count(r_.err.begin(), r_.err.end(), '\n'), 1) << describe(r_);                  \
    EXPECT_EQ(r_.err.rfind(std::string{"swaptwin: "} + (code_str) + ": ", 0), 0u) << describe(r_); \
  } while (0)

}  // namespace swaptwin::apptest
