// `swaptwin admin check` on the command line, and money under concurrency: two writer processes
// changing one rider's wallet, deposits and plan at once (with `serve` and emulated cabinets writing
// the same database beside them) lose nothing, and the back office's invariants hold afterwards.
#include <sys/wait.h>

#include <chrono>

#include "back_office.hpp"
#include "process_harness.hpp"

namespace swaptwin::apptest {
namespace {

using namespace std::chrono_literals;

class cli_check : public back_office_test {
 protected:
  void SetUp() override {
    back_office_test::SetUp();
    build_catalogue();
  }
};

TEST_F(cli_check, a_back_office_made_through_the_commands_passes_every_invariant) {
  cn_rider("R1", "cn-swap", "50.00 CNY");
  bring_online("SZ-0001", "60V", {1.0, 0.95, 0.9});
  ok({"swap", "R1", "SZ-0001", "60V", "--key", "s-1"});
  ok({"swap", "R1", "SZ-0001", "60V", "--returned-soc", "0.2", "--key", "s-2"});
  auto r = admin({"check"});
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_NE(r.out.find("  ok    wallet.sum  ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nno violations\n"), std::string::npos) << r.out;
  auto j = ok_json({"check"});
  EXPECT_EQ(j["ok"], true);
  EXPECT_TRUE(j["violations"].empty());
  EXPECT_GT(j["checked"]["swap.billed_once"].get<int>(), 1);
}

TEST_F(cli_check, a_violation_is_printed_with_what_to_do_and_exits_1) {
  cn_rider("R1", "", "50.00 CNY");
  {
    auto db = store();
    db.db().exec("UPDATE riders SET balance_minor = balance_minor - 700 WHERE id = 'R1'");
  }
  auto r = admin({"check"});
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_NE(r.out.find("  FAIL  wallet.sum  (2 checked, 1 violation(s))"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wallet.sum: rider R1: the wallet holds 43.00 CNY but the postings add up to 50.00 CNY "
                       "(-7.00 CNY unaccounted)\n  what to do: read `admin rider show R1`"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n1 violation(s)\n"), std::string::npos) << r.out;
  auto rj = admin({"check", "--json"});
  EXPECT_EQ(rj.code, 1);
  auto j = json::parse(rj.out);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["violations"].size(), 1u);
  EXPECT_EQ(j["violations"][0]["invariant"], "wallet.sum");
  EXPECT_EQ(j["violations"][0]["subject"], "rider R1");
}

TEST_F(cli_check, a_wallet_at_the_limit_refuses_the_next_top_up_and_nothing_wraps) {
  cn_rider("R1", "", "");
  ok({"rider", "top-up", "R1", "9999999999999.99 CNY", "--key", "t1"});
  const auto before = snapshot();
  auto r = admin({"rider", "top-up", "R1", "9999999999999.99 CNY", "--key", "t2"});
  EXPECT_ONE_LINE_ERROR(r, "money.out_of_range");
  EXPECT_EQ(r.err,
            "swaptwin: money.out_of_range: the wallet of rider R1 holds 9999999999999.99 CNY; moving it by "
            "9999999999999.99 CNY would leave the range of -10000000000000.00 CNY to 10000000000000.00 CNY. Nothing "
            "changed\n");
  EXPECT_EQ(changes_since(before), "");
  EXPECT_ONE_LINE_ERROR(admin({"rider", "top-up", "R1", "10000000000000.01 CNY"}), "money.out_of_range");
  EXPECT_EQ(changes_since(before), "");
  auto check = admin({"check"});
  EXPECT_EQ(check.code, 0) << describe(check);
}

TEST_F(cli_check, anomalies_are_listed_and_closed) {
  {
    auto db = store();
    adapters::anomaly a;
    a.kind = "second_pack";
    a.rider_id = "R9";
    a.detail = "issued a second pack";
    a.opened_at = now_ms();
    db.open_anomaly(a);
  }
  auto list = ok_json({"anomaly", "list"});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["kind"], "second_pack");
  EXPECT_TRUE(list[0]["closed_at"].is_null());
  const auto id = std::to_string(list[0]["id"].get<int>());
  EXPECT_EQ(ok({"anomaly", "close", id, "--note", "pack found in the depot"}), "anomaly " + id + " closed\n");
  EXPECT_TRUE(ok_json({"anomaly", "list"}).empty());
  EXPECT_EQ(ok_json({"anomaly", "list", "--all"})[0]["closed_note"], "pack found in the depot");
  EXPECT_ONE_LINE_ERROR(admin({"anomaly", "close", id, "--note", "again"}), "input.invalid");
}

// A writer process: a shell running `rounds` rounds of top-up, deposit paid and refunded, and a
// bundle bought, each a separate `swaptwin` process with its own idempotency key. Exits 0 only
// when every command did.
pid_t start_writer(const fs::path& dir, const fs::path& db, const std::string& name, const std::string& model,
                   int rounds) {
  const std::string admin = std::string{SWAPTWIN_BIN} + " admin --db " + db.string() + " --now " + now_text + " rider ";
  const std::string script =
      "i=0; while [ $i -lt " + std::to_string(rounds) + " ]; do " + admin + "top-up R1 '1.00 CNY' --key " + name +
      "-top-$i >/dev/null && " + admin + "pay-deposit R1 " + model + " --key " + name + "-dep-$i >/dev/null && " +
      admin + "refund-deposit R1 " + model + " --key " + name + "-ref-$i >/dev/null && " + admin +
      "buy-plan R1 cn-10 --key " + name + "-plan-$i >/dev/null || { echo \"" + name +
      " round $i failed\" >&2; exit 1; }; i=$((i+1)); done";
  const auto err = (dir / (name + ".stderr")).string();
  const pid_t pid = fork();
  if (pid == 0) {
    int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) _exit(126);
    dup2(fd, 2);
    execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int wait_writer(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_F(cli_check, two_writers_and_a_live_server_lose_no_money) {
  constexpr int rounds = 200;
  ok({"model", "set-deposit", "48V", "400.00 CNY"});
  ok({"model", "set-deposit", "72V", "600.00 CNY"});
  ok({"plan", "add", "cn-10", "--name", "10 swaps", "--kind", "cycles", "--price", "50.00 CNY", "--swaps", "10"});
  ok({"rider", "add", "R1", "--name", "Rider R1", "--country", "CN", "--birth-date", "1990-05-17"});
  auto r = sw({"admin", "provision", "--db", db_.string(), "--prefix", "CC-", "--stations", "2", "--slots", "6",
               "--riders-per-station", "3", "--no-password"});
  ASSERT_EQ(r.code, 0) << describe(r);

  // serve and two emulated cabinets swapping: the store actor writes the same file all along.
  const auto port = free_port();
  ASSERT_NE(port, 0);
  const auto listen = "127.0.0.1:" + std::to_string(port);
  server_process server({"serve", "--db", db_.string(), "--listen", listen, "--heartbeat-s", "5"}, dir_, "serve.stderr");
  ASSERT_TRUE(server.wait_output("listening on " + listen, 10s)) << slurp(server.err_path);
  server_process emulator({"emulate", "--url", "ws://" + listen + "/ocpp", "--prefix", "CC-", "--stations", "2",
                           "--slots", "6", "--riders", "3", "--swap-rate", "3600", "--seed", "3"},
                          dir_, "emulate.stderr");
  ASSERT_GT(emulator.pid, 0);

  const auto a = start_writer(dir_, db_, "w1", "48V", rounds);
  const auto b = start_writer(dir_, db_, "w2", "72V", rounds);
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  EXPECT_EQ(wait_writer(a), 0) << slurp(dir_ / "w1.stderr");
  EXPECT_EQ(wait_writer(b), 0) << slurp(dir_ / "w2.stderr");

  ASSERT_EQ(::kill(emulator.pid, SIGTERM), 0);
  EXPECT_EQ(emulator.wait_exit(20s), 0) << slurp(emulator.err_path);
  ASSERT_EQ(::kill(server.pid, SIGTERM), 0);
  EXPECT_EQ(server.wait_exit(20s), 0) << slurp(server.err_path);

  auto db = store();
  auto rider = db.rider("R1");
  ASSERT_TRUE(rider);
  EXPECT_EQ(rider->balance_minor, 2 * rounds * 100);  // every top-up of 1.00 CNY, none lost
  EXPECT_TRUE(rider->deposits.empty());               // each writer's last refund came after its deposit
  ASSERT_TRUE(rider->plan);
  EXPECT_EQ(rider->plan->swaps_left, 2 * rounds * 10);  // every bundle bought added its 10 swaps
  auto& sql = db.db();
  EXPECT_EQ(sql.scalar("SELECT count(*) FROM ledger WHERE rider_id = 'R1'"), 2 * rounds * 5);  // + tax on each bundle
  EXPECT_GT(sql.scalar("SELECT count(*) FROM swaps WHERE idempotency_key LIKE 'ocpp:%'"), 0)
      << "the emulated cabinets swapped nothing: serve did not write beside the writers";
  auto check = admin({"check"});
  EXPECT_EQ(check.code, 0) << describe(check);
}

}  // namespace
}  // namespace swaptwin::apptest
