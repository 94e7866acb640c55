// The station actor under virtual time: the swap flow with billing, every refusal surfaced to the
// rider, charging that turns a pack ready at the instant the curve says, and a site cap that holds
// at every change.

#include <cmath>

#include "actors/battery.hpp"
#include "actors/billing.hpp"
#include "actors/journal.hpp"
#include "actors/slot.hpp"
#include "actors/station.hpp"
#include "sim_fixture.hpp"
#include "station_packs.hpp"
#include "twin/billing.hpp"

namespace swaptwin::actors::testing {
namespace {

twin::plan per_kwh() {
  twin::plan p;
  p.id = "kwh";
  p.name = "Per kWh";
  p.kind = twin::plan_kind::energy;
  p.currency = "CNY";
  p.unit_price_minor = 150;  // 1.50 CNY per kWh
  return p;
}

twin::rider verified(const std::string& id) {
  twin::rider r;
  r.id = id;
  r.country = "CN";
  r.kyc = twin::kyc_status::verified;
  r.deposits["60V"] = twin::money{30000, "CNY"};
  r.holding_sn = id + "-P0";
  r.holding_model = "60V";
  r.balance_minor = 100000;
  twin::subscription s;
  s.plan_id = "kwh";
  s.kind = twin::plan_kind::energy;
  s.metered = true;
  r.plan = s;
  return r;
}

class StationActor : public sim_test {
 protected:
  void start(int ready_packs, int charging_packs, int cap_w, int charger_w = 1000) {
    twin::country_policy cn{"CN", "CNY", {}, 0, twin::payment_terms::prepaid, 0, 1300};
    billing_setup accounts{{verified("R1"), verified("R2")}, {cn}, {per_kwh()}, false, {}};
    auto unverified = verified("R3");
    unverified.kyc = twin::kyc_status::pending;
    accounts.riders.push_back(unverified);
    j = sys->spawn(journal, caf::actor{});
    bill = sys->spawn(billing, accounts, j);
    station_setup st;
    st.station = twin::make_station("ST-1", "Test", {22.5, 114.0}, 8, cap_w, twin::from_ms(now()));
    st.station.link.online = true;
    int slot = 1;
    auto put = [&](double soc) { put_pack(st, slot++, "60V", soc); };
    for (int i = 0; i < ready_packs; ++i) put(1.0);
    for (int i = 0; i < charging_packs; ++i) put(0.2 + 0.1 * i);
    st.capacity_wh["60V"] = 1500;
    st.charger_power_w = charger_w;
    st.charging = charging_config{false, 0.95, 0.8, 0.1, 3600};
    station_actor = sys->spawn(station, st, bill, j);
    sched->run();
  }

  // Sends a swap request and returns the answer once everything it caused has run.
  swap_result swap(const std::string& rider, double taken_soc, double returned_soc, const std::string& key) {
    caf::scoped_actor self{*sys};
    swap_request req{rider, "60V", rider + "-P0", returned_soc, taken_soc, key, 1.0, 0.0, {}};
    self->send(station_actor, swap_atom::value, req);
    sched->run();
    swap_result out;
    self->receive([&](swap_result& r) { out = r; }, caf::after(std::chrono::seconds(0)) >> [] {});
    return out;
  }

  ~StationActor() override {
    for (auto& h : {station_actor, bill, j}) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  }

  caf::actor j, bill, station_actor;
};

TEST_F(StationActor, SwapMovesPacksAndBillsUnderTheTwinRules) {
  start(2, 0, 5000);
  auto r = swap("R1", 0.9, 0.3, "k1");
  ASSERT_EQ(r.reason, "ok") << r.detail;
  EXPECT_EQ(r.issued_sn, "P1");
  EXPECT_DOUBLE_EQ(r.issued_soc, 1.0);
  // 0.9 -> 0.3 of 1500 Wh = 900 Wh; 0.9 kWh x 1.50 CNY = 1.35 CNY; 13 % tax = 0.18 CNY (0.1755 rounded).
  twin::country_policy cn{"CN", "CNY", {}, 0, twin::payment_terms::prepaid, 0, 1300};
  auto expected = twin::settle_swap(verified("R1"), per_kwh(), cn, {"ST-1", "60V", "R1-P0", 900, "P1"},
                                    twin::from_ms(now()), "k1");
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(r.net_minor, expected->net.minor);
  EXPECT_EQ(r.net_minor, 135);
  EXPECT_EQ(r.tax_minor, 18);
  auto& b = state_of<billing_state>(bill);
  EXPECT_EQ(b.riders.at("R1").balance_minor, expected->change.after.balance_minor);
  EXPECT_EQ(b.riders.at("R1").holding_sn, "P1");
  EXPECT_EQ(b.ledger.postings().size(), 2u);
  auto& s = state_of<station_state>(station_actor);
  EXPECT_EQ(s.st.slots[0].state, twin::slot_state::empty);
  EXPECT_EQ(s.st.slots[2].battery_sn, "R1-P0");  // the first free slot took the returned pack
  EXPECT_EQ(s.st.slots[2].state, twin::slot_state::charging);
  // The packs are actors: the issued one is with the rider, the returned one (new to the twin)
  // got its battery actor on first sight, and slot 3's charger works on its order.
  ASSERT_TRUE(r.issued_pack);
  EXPECT_EQ(state_of<battery_state>(r.issued_pack).pack.place_ref, "R1");
  EXPECT_EQ(s.pack_actors.count("P1"), 0u);
  ASSERT_EQ(s.pack_actors.count("R1-P0"), 1u);
  const auto& returned = state_of<battery_state>(s.pack_actors.at("R1-P0")).pack;
  EXPECT_EQ(returned.place_ref, "ST-1:3");
  EXPECT_EQ(returned.energy_out_wh, 900);
  const auto& slot3 = state_of<slot_state>(s.slot_actors[2]);
  EXPECT_EQ(slot3.state, twin::slot_state::charging);
  EXPECT_EQ(slot3.pack_sn, "R1-P0");
  EXPECT_EQ(slot3.order, s.charging.at(3).order);
  EXPECT_EQ(state_of<slot_state>(s.slot_actors[0]).state, twin::slot_state::empty);  // P1 was taken from it
  // A resent request (same key) gets the same answer and changes nothing.
  auto again = swap("R1", 0.9, 0.3, "k1");
  EXPECT_EQ(again.issued_sn, "P1");
  EXPECT_EQ(b.ledger.postings().size(), 2u);
}

TEST_F(StationActor, RefusalsReachTheRiderWithTheirCode) {
  start(1, 0, 5000);
  EXPECT_EQ(swap("R3", 0.9, 0.2, "a").reason, "kyc.pending");   // billing's side
  EXPECT_EQ(swap("R9", 0.9, 0.2, "b").reason, "rider.unknown");
  EXPECT_EQ(swap("R1", 0.9, 0.2, "c").reason, "ok");
  EXPECT_EQ(swap("R2", 0.9, 0.2, "d").reason, "stock.empty");   // the only ready pack went to R1
  state_of<station_state>(station_actor).st.link.online = false;
  EXPECT_EQ(swap("R2", 0.9, 0.2, "e").reason, "station.offline");
  auto& events = state_of<journal_state>(j).events;
  int refused = 0;
  for (const auto& e : events) refused += e.kind == "refused";
  EXPECT_EQ(refused, 4);
}

TEST_F(StationActor, PackTurnsReadyAtTheComputedInstant) {
  start(0, 1, 5000, 1000);
  const auto t0 = now();
  // 1500 Wh from 0.2: 0.6 x 1500 / 1000 W = 0.9 h to the knee, then the taper to 0.95.
  twin::charge_params p{1500, 1000, 0.8, 0.1};
  const auto due = t0 + static_cast<std::int64_t>(std::ceil(twin::seconds_to_soc(p, 1000, 0.2, 0.95) * 1000));
  run_until(due - 1);
  EXPECT_EQ(state_of<station_state>(station_actor).st.slots[0].state, twin::slot_state::charging);
  run_until(due);
  auto& s = state_of<station_state>(station_actor);
  EXPECT_EQ(s.st.slots[0].state, twin::slot_state::ready);
  EXPECT_NEAR(s.st.slots[0].soc, 0.95, 1e-6);
  EXPECT_NEAR(s.energy_wh, 0.75 * 1500, 1e-3);
  // The slot actor was told at that instant: it metered the session and the pack got the energy.
  const auto& slot1 = state_of<slot_state>(s.slot_actors[0]);
  EXPECT_EQ(slot1.state, twin::slot_state::ready);
  EXPECT_EQ(slot1.charging_ms, due - t0);
  EXPECT_EQ(slot1.energy_wh, 1125);
  EXPECT_EQ(state_of<battery_state>(s.pack_actors.at("P1")).pack.energy_in_wh, 1125);
}

TEST_F(StationActor, SiteCapHoldsAtEveryChange) {
  start(2, 4, 2500, 1000);  // four packs asking 1000 W each under a 2500 W cap
  auto& s = state_of<station_state>(station_actor);
  auto check = [&] {
    double sum = 0;
    for (const auto& sl : s.st.slots) sum += sl.charge_power_w;
    EXPECT_LE(sum, 2500 + 4);  // per-slot rounding to whole watts
    EXPECT_LE(s.site_power_w, 2500 + 1e-6);
  };
  check();
  EXPECT_NEAR(s.site_power_w, 2500, 1e-6);
  ASSERT_EQ(swap("R1", 0.9, 0.1, "x1").reason, "ok");  // a fifth pack starts charging: shares shrink
  EXPECT_EQ(s.charging.size(), 5u);
  check();
  // Step through every timer for twelve hours (charging events, heartbeats, deadlines).
  const auto end = now() + 12 * 3600 * 1000;
  while (now() < end && step()) check();
  int ready_events = 0;
  for (const auto& e : state_of<journal_state>(j).events) ready_events += e.kind == "ready";
  EXPECT_EQ(ready_events, 5);  // one event per pack turning ready
  for (const auto& sl : s.st.slots) {
    if (!sl.battery_sn.empty()) {
      EXPECT_EQ(sl.state, twin::slot_state::ready) << "slot " << sl.index;
    }
  }
  EXPECT_LE(s.peak_power_w, 2500);
}

}  // namespace
}  // namespace swaptwin::actors::testing

namespace swaptwin::actors::testing {
namespace {

class Ageing : public sim_test {};

TEST_F(Ageing, AWornPackLeavesServiceAndAnAgentTakesItAway) {
  twin::country_policy cn{"CN", "CNY", {}, 0, twin::payment_terms::prepaid, 0, 0};
  auto r = verified("R1");
  auto j = sys->spawn(journal, caf::actor{});
  auto bill = sys->spawn(billing, billing_setup{{r}, {cn}, {per_kwh()}, false, {}}, j);
  station_setup st;
  st.station = twin::make_station("ST-9", "Old", {22.5, 114.0}, 3, 3000, twin::from_ms(now()));
  st.station.link.online = true;
  twin::battery b;
  b.sn = "P1";
  b.model_id = "60V";
  b.soc = 1.0;
  st.packs.push_back(b);
  st.station.slots[0] = twin::slot{1, twin::slot_state::ready, false, "P1", "60V", 1.0, 0};
  st.capacity_wh["60V"] = 1500;
  st.soh_loss_per_cycle = 0.01;  // 1 % per full cycle
  st.retire_below_soh = 0.7;
  auto s = sys->spawn(station, st, bill, j);
  sched->run();
  // The returned pack reads SoH 0.703; 1500 Wh drawn (0.9 -> 0.1 of 1500 x 0.703 = 844 Wh, 0.5627 cycles)
  // costs 0.0056 SoH: 0.6974 < 0.7, so it is retired in slot 2 instead of charging.
  caf::scoped_actor self{*sys};
  self->send(s, swap_atom::value, swap_request{"R1", "60V", "OLD-1", 0.1, 0.9, "k", 0.703, 900, {}});
  sched->run();
  auto& state = state_of<station_state>(s);
  EXPECT_EQ(state.st.slots[1].battery_sn, "OLD-1");
  EXPECT_EQ(state.st.slots[1].state, twin::slot_state::fault);
  EXPECT_TRUE(state.charging.empty());
  EXPECT_LT(state.packs.at("OLD-1").soh, 0.7);
  EXPECT_NEAR(state.packs.at("OLD-1").cycles, 900 + 844.0 / 1500, 1e-9);
  int retired = 0;
  for (const auto& e : state_of<journal_state>(j).events) retired += e.kind == "retired";
  EXPECT_EQ(retired, 1);
  const auto worn = state.pack_actors.at("OLD-1");
  EXPECT_TRUE(state_of<battery_state>(worn).retired);  // the pack's actor decided it
  EXPECT_EQ(state_of<slot_state>(state.slot_actors[1]).state, twin::slot_state::fault);
  // The agent's repair takes the pack away: the slot is free again.
  caf::anon_send(s, repair_atom::value, std::string{"pack_retired"}, 2);
  sched->run();
  EXPECT_EQ(state.st.slots[1].state, twin::slot_state::empty);
  EXPECT_TRUE(state.st.slots[1].battery_sn.empty());
  EXPECT_EQ(state.packs.count("OLD-1"), 0u);
  EXPECT_EQ(state_of<battery_state>(worn).pack.place, twin::pack_place::warehouse);
  for (auto& h : {s, bill, j}) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace swaptwin::actors::testing

namespace swaptwin::actors::testing {
namespace {

TEST_F(StationActor, StockOutTimeRunsFromTheLastPackOutToTheNextReady) {
  start(1, 0, 5000, 1000);
  const auto t0 = now();
  ASSERT_EQ(swap("R1", 0.9, 0.2, "s1").reason, "ok");  // the only ready pack leaves: stock-out from t0
  auto& s = state_of<station_state>(station_actor);
  EXPECT_EQ(s.stockout_since_ms, t0);
  // The returned pack (0.2 of 1500 Wh at 1000 W) is ready when the curve says: the stock-out ends then.
  twin::charge_params p{1500, 1000, 0.8, 0.1};
  const auto ready_at = t0 + static_cast<std::int64_t>(std::ceil(twin::seconds_to_soc(p, 1000, 0.2, 0.95) * 1000));
  run_until(ready_at);
  EXPECT_EQ(s.stockout_since_ms, -1);
  EXPECT_EQ(s.stockout_ms, ready_at - t0);
}

}  // namespace
}  // namespace swaptwin::actors::testing
