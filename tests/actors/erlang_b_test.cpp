// Queueing check: one station with N packs charging independently (exponential times), Poisson
// arrivals, riders who leave when no pack is ready = an Erlang loss system. The share of riders
// refused must match Erlang B(N, lambda/mu), computed here.

#include <cmath>

#include "actors/arrivals.hpp"
#include "actors/billing.hpp"
#include "actors/journal.hpp"
#include "actors/station.hpp"
#include "sim_fixture.hpp"
#include "station_packs.hpp"

namespace swaptwin::actors::testing {
namespace {

// Erlang B by the stable recursion B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)).
double erlang_b(int n, double offered) {
  double b = 1.0;
  for (int k = 1; k <= n; ++k) b = offered * b / (k + offered * b);
  return b;
}

TEST(ErlangB, RecursionMatchesTheClosedFormForSmallN) {
  // B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
  EXPECT_NEAR(erlang_b(2, 1.0), 0.2, 1e-12);
}

class ErlangLoss : public sim_test {};

TEST_F(ErlangLoss, RefusedShareMatchesErlangB) {
  const int packs = 8;
  const double mean_charge_h = 1.0, arrivals_per_h = 6.0;
  const double offered = arrivals_per_h * mean_charge_h;  // A = lambda / mu = 6 erlang

  twin::plan unlimited;
  unlimited.id = "month";
  unlimited.name = "Unlimited";
  unlimited.kind = twin::plan_kind::period;
  unlimited.currency = "CNY";
  unlimited.price_minor = 29900;
  twin::country_policy cn{"CN", "CNY", {}, 0, twin::payment_terms::prepaid, 0, 0};
  billing_setup accounts{{}, {cn}, {unlimited}, false, {}};
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    twin::rider r;
    r.id = "R" + std::to_string(i);
    r.country = "CN";
    r.kyc = twin::kyc_status::verified;
    r.deposits["60V"] = twin::money{30000, "CNY"};
    r.holding_sn = r.id + "-P0";
    r.holding_model = "60V";
    twin::subscription s;
    s.plan_id = "month";
    s.expires_at = twin::from_ms(now() + 10LL * 365 * 24 * 3600 * 1000);
    r.plan = s;
    ids.push_back(r.id);
    accounts.riders.push_back(r);
  }
  auto j = sys->spawn(journal, caf::actor{});
  auto bill = sys->spawn(billing, accounts, j);

  // N + 1 slots: the rider's pack goes into the empty one before a ready one comes out.
  station_setup st;
  st.station = twin::make_station("ERL-1", "Erlang", {22.5, 114.0}, packs + 1, 100000, twin::from_ms(now()));
  st.station.link.online = true;
  for (int i = 1; i <= packs; ++i) put_pack(st, i, "60V", 1.0);
  st.capacity_wh["60V"] = 1560;
  st.charging.exponential = true;
  st.charging.exp_mean_s = mean_charge_h * 3600;
  st.seed = 11;
  auto station_actor = sys->spawn(station, st, bill, j);

  const std::int64_t hour = 3600 * 1000;
  arrivals_setup a{station_actor, ids, "60V", arrivals_per_h, 0.1, 7, now() + 50 * hour, j};
  auto arr = sys->spawn(arrivals, a);
  run_until(now() + 4050 * hour);  // 50 h warm-up, then about 24,000 counted arrivals

  auto& counts = state_of<arrivals_state>(arr);
  ASSERT_GT(counts.arrivals, 20000);
  EXPECT_EQ(counts.served + counts.refused, counts.arrivals);
  // Every refusal is "no ready pack": the loss in Erlang's model.
  ASSERT_EQ(counts.refusals.size(), 1u);
  EXPECT_EQ(counts.refusals.begin()->first, "stock.empty");
  const double refused = static_cast<double>(counts.refused) / static_cast<double>(counts.arrivals);
  const double expected = erlang_b(packs, offered);  // about 0.122
  // Busy periods make refusals bunch up, so the standard error is a few times the binomial one:
  // allow 10 % of the expected value (about 4 standard errors at this sample size).
  EXPECT_NEAR(refused, expected, 0.10 * expected) << "refused " << counts.refused << " of " << counts.arrivals;

  for (auto& h : {arr, station_actor, bill, j}) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace swaptwin::actors::testing
