// The crash test of the live back end: `swaptwin serve` and `swaptwin emulate` as processes on
// 127.0.0.1, riders swapping; the server is killed with SIGKILL mid-stream and started again on
// the same database and port. After the cabinets reconnect and replay their queues, every swap
// any cabinet saw acknowledged is in the ledger exactly once, and nobody is charged twice.
// Waits are on the children's output, files and exits, with deadlines.
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/cabinet_events.hpp"
#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "process_harness.hpp"

namespace swaptwin::apptest {
namespace {

using namespace std::chrono_literals;

struct acked_swap {
  std::string sn, rider, event;
  std::int64_t request_id = 0;
};

std::vector<acked_swap> read_acked(const fs::path& p) {
  std::vector<acked_swap> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    auto j = json::parse(line, nullptr, false);
    if (!j.is_object()) continue;  // a line being written right now
    out.push_back({j.value("sn", ""), j.value("rider", ""), j.value("event", ""), j.value("requestId", std::int64_t{0})});
  }
  return out;
}

// Paced wait until the acknowledged-swaps file holds at least `n` lines (false after `timeout`).
bool wait_acked(const fs::path& p, std::size_t n, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (read_acked(p).size() >= n) return true;
    ::poll(nullptr, 0, 50);
  }
  return false;
}

TEST(cli_live, a_server_killed_mid_stream_loses_no_acknowledged_swap_and_charges_nobody_twice) {
  const auto dir = fs::temp_directory_path() / ("swaptwin_crash_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "state");
  const auto db = (dir / "live.db").string();
  const auto acked = dir / "acked.jsonl";
  auto r = run_swaptwin({"admin", "provision", "--db", db, "--prefix", "CR-", "--stations", "4", "--slots", "6",
                         "--riders-per-station", "3", "--no-password"},
                        dir, dir);
  ASSERT_EQ(r.code, 0) << describe(r);

  const auto port = free_port();
  ASSERT_NE(port, 0);
  const auto listen = "127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> serve_args{"serve", "--db", db, "--listen", listen, "--heartbeat-s", "5"};
  auto server = std::make_unique<server_process>(serve_args, dir, "serve1.stderr");
  ASSERT_TRUE(server->wait_output("listening on " + listen, 10s)) << slurp(server->err_path);

  server_process emulator({"emulate", "--url", "ws://" + listen + "/ocpp", "--prefix", "CR-", "--stations", "4",
                           "--slots", "6", "--riders", "3", "--swap-rate", "7200", "--state-dir",
                           (dir / "state").string(), "--acked-log", acked.string(), "--backoff-base-s", "0.1",
                           "--backoff-cap-s", "0.5", "--request-timeout-s", "3", "--seed", "7"},
                          dir, "emulate.stderr");
  ASSERT_GT(emulator.pid, 0);
  ASSERT_TRUE(wait_acked(acked, 12, 30s)) << slurp(emulator.err_path) << slurp(server->err_path);

  // Mid-stream: swaps are in flight on every cabinet.
  ASSERT_EQ(::kill(server->pid, SIGKILL), 0);
  EXPECT_EQ(server->wait_exit(10s), 128 + SIGKILL);
  const auto before_restart = read_acked(acked).size();
  server = std::make_unique<server_process>(serve_args, dir, "serve2.stderr");
  ASSERT_TRUE(server->wait_output("listening on " + listen, 10s)) << slurp(server->err_path);
  ASSERT_TRUE(wait_acked(acked, before_restart + 12, 30s)) << slurp(emulator.err_path) << slurp(server->err_path);

  ASSERT_EQ(::kill(emulator.pid, SIGTERM), 0);
  EXPECT_EQ(emulator.wait_exit(20s), 0) << slurp(emulator.err_path);
  ASSERT_EQ(::kill(server->pid, SIGTERM), 0);
  EXPECT_EQ(server->wait_exit(20s), 0) << slurp(server->err_path);

  const auto seen = read_acked(acked);
  adapters::store st{db};
  auto& sql = st.db();
  std::set<std::string> keys;
  for (const auto& a : seen) {
    SCOPED_TRACE(a.sn + " request " + std::to_string(a.request_id) + " " + a.event);
    const auto key = adapters::cabinet_swap_key(a.sn, a.request_id);
    EXPECT_TRUE(keys.insert(key).second) << "a swap acknowledged twice";
    auto q = sql.prepare("SELECT count(*), coalesce(max(rider_id), '') FROM swaps WHERE idempotency_key = ?");
    q->bind(1, key);
    ASSERT_TRUE(q->step());
    EXPECT_EQ(q->int64(0), 1) << "an acknowledged swap is not in the ledger exactly once";
    EXPECT_EQ(q->text(1), a.rider);
  }
  // Nobody charged twice: a swap's usage charge carries the swap's key (and its tax key + ":tax"),
  // so every cabinet posting belongs to exactly one recorded swap.
  const auto swaps = sql.scalar("SELECT count(*) FROM swaps WHERE idempotency_key LIKE 'ocpp:%'");
  EXPECT_GE(swaps, static_cast<std::int64_t>(seen.size()));
  EXPECT_EQ(sql.scalar("SELECT count(*) FROM ledger l WHERE l.idempotency_key LIKE 'ocpp:%' AND NOT EXISTS "
                       "(SELECT 1 FROM swaps s WHERE l.idempotency_key IN (s.idempotency_key, s.idempotency_key || ':tax'))"),
            0);
  EXPECT_EQ(sql.scalar("SELECT count(*) FROM swaps s WHERE s.net_minor != 0 AND (SELECT count(*) FROM ledger l "
                       "WHERE l.idempotency_key = s.idempotency_key) != 1"),
            0);
  // Each rider paid exactly their swaps' prices.
  EXPECT_EQ(sql.scalar("SELECT count(*) FROM (SELECT s.rider_id, sum(s.net_minor) AS billed, "
                       "(SELECT coalesce(sum(l.amount_minor), 0) FROM ledger l WHERE l.rider_id = s.rider_id AND "
                       "l.kind = 'usage_charge' AND l.idempotency_key LIKE 'ocpp:%') AS posted FROM swaps s "
                       "GROUP BY s.rider_id) WHERE billed != -posted AND billed != posted"),
            0);
  // And the back office's invariants hold after the crash and the cabinets' replays.
  auto check = run_swaptwin({"admin", "--db", db, "check"}, dir, dir);
  EXPECT_EQ(check.code, 0) << describe(check);
  fs::remove_all(dir);
}

// Paced wait until `check()` holds (false after `timeout`): polls another process's effects.
template <class F>
bool eventually(F check, std::chrono::milliseconds timeout = 20s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (check()) return true;
    ::poll(nullptr, 0, 50);
  }
  return false;
}

TEST(cli_live, the_back_office_commands_work_on_the_database_while_serve_runs) {
  const auto dir = fs::temp_directory_path() / ("swaptwin_live_admin_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto db = (dir / "live.db").string();
  auto admin = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "--db", db});
    return run_swaptwin(args, dir, dir);
  };
  auto r = run_swaptwin({"admin", "provision", "--db", db, "--prefix", "AD-", "--stations", "2", "--slots", "4",
                         "--riders-per-station", "1", "--no-password"},
                        dir, dir);
  ASSERT_EQ(r.code, 0) << describe(r);
  const auto port = free_port();
  const auto listen = "127.0.0.1:" + std::to_string(port);
  server_process server({"serve", "--db", db, "--listen", listen, "--heartbeat-s", "1"}, dir);
  ASSERT_TRUE(server.wait_output("listening on " + listen, 10s)) << slurp(server.err_path);
  server_process known({"emulate", "--url", "ws://" + listen + "/ocpp", "--prefix", "AD-", "--stations", "2", "--slots",
                        "4", "--riders", "1"},
                       dir, "known.stderr");
  server_process unknown({"emulate", "--url", "ws://" + listen + "/ocpp", "--prefix", "NEW-", "--stations", "1"}, dir,
                         "unknown.stderr");

  auto dashboard = [&] {
    auto d = admin({"dashboard", "--json"});
    return d.code == 0 ? json::parse(d.out) : json{};
  };
  EXPECT_TRUE(eventually([&] { return dashboard().value("stations_online", 0) == 2; })) << dashboard().dump();
  // The unknown cabinet waits in the pending list until an operator accepts it.
  EXPECT_TRUE(eventually([&] { return admin({"station", "list", "--pending"}).out.find("NEW-00001") != std::string::npos; }));
  r = admin({"station", "accept", "NEW-00001", "--no-password"});  // the emulated cabinet has no password
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_TRUE(eventually([&] { return dashboard().value("stations_online", 0) == 3; })) << slurp(server.err_path);

  // A slot taken out of service reaches the cabinet at its next heartbeat; it reports it back.
  r = admin({"station", "disable-slot", "AD-00001", "3"});
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_TRUE(eventually([&] {
    adapters::store st{db};
    auto s = st.station("AD-00001");
    return s && s->reported.disabled_slots == std::vector<int>{3} && s->slots[2].state == twin::slot_state::disabled;
  })) << slurp(server.err_path);
  r = admin({"station", "rename", "AD-00002", "Main Street"});
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(adapters::store{db}.station("AD-00002")->name(), "Main Street");

  r = admin({"dashboard", "--watch", "0.05", "--times", "2"});
  EXPECT_EQ(r.code, 0) << describe(r);
  std::size_t prints = 0;
  for (auto at = r.out.find("Stations "); at != std::string::npos; at = r.out.find("Stations ", at + 1)) ++prints;
  EXPECT_EQ(prints, 2u) << r.out;

  for (auto* p : {&known, &unknown}) {
    ::kill(p->pid, SIGTERM);
    EXPECT_EQ(p->wait_exit(20s), 0) << slurp(p->err_path);
  }
  ::kill(server.pid, SIGTERM);
  EXPECT_EQ(server.wait_exit(20s), 0) << slurp(server.err_path);
  EXPECT_EQ(dashboard().value("stations_online", -1), 0);  // they left: offline at once (closed sockets)
  fs::remove_all(dir);
}

}  // namespace
}  // namespace swaptwin::apptest
