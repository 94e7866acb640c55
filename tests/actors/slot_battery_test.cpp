// The slot and battery actors under virtual time: a slot's charger turns its pack ready at the
// instant the curve says, re-plans when its share of the site cap changes, and a stopped order
// never reports ready; a battery actor follows its pack from slot to rider, counts what it was
// charged, and asks the station holding it to retire it once (and only once) it is worn out.

#include <cmath>
#include <vector>

#include "actors/battery.hpp"
#include "actors/slot.hpp"
#include "sim_fixture.hpp"

namespace swaptwin::actors::testing {
namespace {

// Stands in for a station: records what slots and packs tell it, and sends readings on request
// (so the battery sees it as the sender).
struct probe_state {
  std::vector<std::pair<std::int64_t, slot_ready>> ready;  ///< (Unix ms, report)
  std::vector<std::string> retired;
  static inline const char* name = "probe";
};

caf::behavior probe(caf::stateful_actor<probe_state>* self, int) {
  return {
      [=](ready_atom, const slot_ready& r) { self->state.ready.emplace_back(now_ms(self), r); },
      [=](retire_atom, const std::string& sn) { self->state.retired.push_back(sn); },
      [=](pack_atom, const caf::actor& to, const pack_report& r) { self->send(to, pack_atom::value, r); },
  };
}

class SlotActor : public sim_test {
 protected:
  void SetUp() override {
    station = sys->spawn(probe, 0);
    pack = sys->spawn(battery, battery_setup{twin::battery{"P1", "60V", 0.2, 1.0, 10, 25, {}, {}, 0, 0}, 0.0});
    slot_actor = sys->spawn(slot, slot_setup{3, "ST-1", station});
  }
  void TearDown() override {
    for (auto& h : {station, pack, slot_actor}) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  }
  charge_order order(std::uint64_t id, double alloc_w) {
    return charge_order{id, "P1", pack, p.capacity_wh, p.max_power_w, p.knee_soc, p.taper_floor, 0.2, alloc_w, 0.95, 0};
  }
  std::int64_t ms(double s) const { return static_cast<std::int64_t>(std::ceil(s * 1000.0)); }

  twin::charge_params p{1500, 1000, 0.8, 0.1};
  caf::actor station, pack, slot_actor;
};

TEST_F(SlotActor, PackIsReadyAtTheInstantTheCurveSays) {
  const auto t0 = now();
  caf::anon_send(slot_actor, charge_atom::value, order(7, 1000));
  const auto due = t0 + ms(twin::seconds_to_soc(p, 1000, 0.2, 0.95));
  run_until(due - 1);
  EXPECT_TRUE(state_of<probe_state>(station).ready.empty());
  run_until(due);
  const auto& ready = state_of<probe_state>(station).ready;
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].first, due);
  EXPECT_EQ(ready[0].second.slot, 3);
  EXPECT_EQ(ready[0].second.order, 7u);
  EXPECT_NEAR(ready[0].second.soc, 0.95, 1e-6);
  EXPECT_EQ(ready[0].second.energy_wh, std::lround(0.75 * 1500));
  // The pack was told what it was charged.
  EXPECT_EQ(state_of<battery_state>(pack).pack.energy_in_wh, std::lround(0.75 * 1500));
  EXPECT_NEAR(state_of<battery_state>(pack).pack.soc, 0.95, 1e-6);
}

TEST_F(SlotActor, AChangedShareReplansTheOneEvent) {
  const auto t0 = now();
  caf::anon_send(slot_actor, charge_atom::value, order(1, 1000));
  run_until(t0 + 600'000);  // ten minutes at 1000 W, then the site gives it 400 W
  caf::anon_send(slot_actor, power_atom::value, std::uint64_t{1}, 400.0);
  const double soc_600 = twin::soc_after(p, 1000, 0.2, 600);
  const auto due = t0 + 600'000 + ms(twin::seconds_to_soc(p, 400, soc_600, 0.95));
  run_until(due - 1);
  EXPECT_TRUE(state_of<probe_state>(station).ready.empty());
  run_until(due + 3'600'000);
  const auto& ready = state_of<probe_state>(station).ready;
  ASSERT_EQ(ready.size(), 1u);  // the event planned under 1000 W was superseded, not fired
  EXPECT_EQ(ready[0].first, due);
}

TEST_F(SlotActor, AStoppedOrderNeverReportsReadyAndAStaleShareIsIgnored) {
  caf::anon_send(slot_actor, charge_atom::value, order(4, 1000));
  run_until(now() + 1'800'000);
  caf::anon_send(slot_actor, power_atom::value, std::uint64_t{3}, 10.0);  // for an older order: ignored
  caf::anon_send(slot_actor, stop_atom::value, std::uint64_t{4});
  run_until(now() + 24 * 3'600'000);
  EXPECT_TRUE(state_of<probe_state>(station).ready.empty());
  EXPECT_FALSE(state_of<slot_state>(slot_actor).charging);
  // Half an hour at 1000 W: 500 Wh, reported to the pack when the order stopped.
  EXPECT_EQ(state_of<battery_state>(pack).pack.energy_in_wh, 500);
}

TEST_F(SlotActor, ABatteryFollowsItsPackAndRetiresItOnce) {
  auto worn = sys->spawn(battery, battery_setup{twin::battery{"W1", "60V", 0.9, 0.75, 800, 25, {}, {}, 0, 0}, 0.7});
  caf::anon_send(station, pack_atom::value, worn, pack_report{"released", "ST-1", 0, "R1", 0.95, 0.75, 800, 0, now()});
  sched->run();
  auto& b = state_of<battery_state>(worn);
  EXPECT_EQ(b.pack.place, twin::pack_place::rider);
  EXPECT_EQ(b.pack.place_ref, "R1");
  // Back at a cabinet, still above 0.7: it charges on.
  caf::anon_send(station, pack_atom::value, worn, pack_report{"docked", "ST-1", 2, "R1", 0.3, 0.71, 801, 900, now()});
  sched->run();
  EXPECT_EQ(b.pack.place_ref, "ST-1:2");
  EXPECT_EQ(b.pack.energy_out_wh, 900);
  EXPECT_TRUE(state_of<probe_state>(station).retired.empty());
  // Docked again under 0.7: the station holding it is asked to retire it, once.
  caf::anon_send(station, pack_atom::value, worn, pack_report{"docked", "ST-1", 5, "R2", 0.2, 0.69, 802, 800, now()});
  caf::anon_send(station, pack_atom::value, worn, pack_report{"docked", "ST-1", 5, "R2", 0.2, 0.68, 803, 10, now()});
  sched->run();
  EXPECT_EQ(state_of<probe_state>(station).retired, std::vector<std::string>{"W1"});
  EXPECT_TRUE(b.retired);
  EXPECT_EQ(b.docks, 3);
  EXPECT_EQ(b.releases, 1);
  caf::anon_send_exit(worn, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace swaptwin::actors::testing
