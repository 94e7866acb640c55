// The slot and battery actors under virtual time: a slot meters its charge sessions exactly and
// ignores answers about older orders; a battery actor follows its pack from slot to rider, counts
// what it was charged, and asks the station holding it to retire it once (and only once) it is
// worn out.

#include <cmath>
#include <vector>

#include "actors/battery.hpp"
#include "actors/slot.hpp"
#include "sim_fixture.hpp"

namespace swaptwin::actors::testing {
namespace {

// Stands in for a station: records what packs tell it, and sends readings on request (so the
// battery sees it as the sender).
struct probe_state {
  std::vector<std::string> retired;
  static inline const char* name = "probe";
};

caf::behavior probe(caf::stateful_actor<probe_state>* self, int) {
  return {
      [=](retire_atom, const std::string& sn) { self->state.retired.push_back(sn); },
      [=](pack_atom, const caf::actor& to, const pack_report& r) { self->send(to, pack_atom::value, r); },
  };
}

class SlotActor : public sim_test {
 protected:
  void SetUp() override {
    station = sys->spawn(probe, 0);
    pack = sys->spawn(battery, battery_setup{twin::battery{"P1", "60V", 0.2, 1.0, 10, 25, {}, {}, 0, 0}, 0.0});
    slot_actor = sys->spawn(slot, slot_setup{3, "ST-1", twin::slot_state::empty, {}, {}});
  }
  void TearDown() override {
    for (auto& h : {station, pack, slot_actor}) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  }
  caf::actor station, pack, slot_actor;
};

TEST_F(SlotActor, MetersEachSessionToTheMillisecondAndTellsThePack) {
  const auto t0 = now();
  caf::anon_send(slot_actor, charge_atom::value, charge_order{7, "P1", pack, 0.2});
  run_until(t0 + 5'400'123);
  auto& s = state_of<slot_state>(slot_actor);
  EXPECT_EQ(s.state, twin::slot_state::charging);
  EXPECT_EQ(charging_ms_at(s, now()), 5'400'123);
  caf::anon_send(slot_actor, ready_atom::value, slot_ready{3, 6, 0.95, 1}); // an older order: ignored
  sched->run();
  EXPECT_EQ(s.state, twin::slot_state::charging);
  caf::anon_send(slot_actor, ready_atom::value, slot_ready{3, 7, 0.95, 1125});
  sched->run();
  EXPECT_EQ(s.state, twin::slot_state::ready);
  EXPECT_EQ(s.sessions, 1);
  EXPECT_EQ(s.energy_wh, 1125);
  EXPECT_EQ(s.charging_ms, 5'400'123);
  EXPECT_EQ(state_of<battery_state>(pack).pack.energy_in_wh, 1125);  // the pack was told
  EXPECT_NEAR(state_of<battery_state>(pack).pack.soc, 0.95, 1e-12);
  // Ready for another hour, then taken: it held the pack for the whole time, charged for part.
  run_until(t0 + 9'000'123);
  caf::anon_send(slot_actor, release_atom::value);
  run_until(t0 + 10'000'000);
  EXPECT_EQ(s.state, twin::slot_state::empty);
  EXPECT_TRUE(s.pack_sn.empty());
  EXPECT_EQ(s.occupied_ms, 9'000'123);
  EXPECT_EQ(charging_ms_at(s, now()), 5'400'123);
}

TEST_F(SlotActor, ACutOffOrderEndsInFaultAndStillTellsThePackWhatItTook) {
  caf::anon_send(slot_actor, charge_atom::value, charge_order{4, "P1", pack, 0.2});
  run_until(now() + 1'800'000);
  caf::anon_send(slot_actor, stop_atom::value, slot_ready{3, 4, 0.53, 500});
  sched->run();
  auto& s = state_of<slot_state>(slot_actor);
  EXPECT_EQ(s.state, twin::slot_state::fault);
  EXPECT_EQ(s.sessions, 0);
  EXPECT_EQ(state_of<battery_state>(pack).pack.energy_in_wh, 500);
  caf::anon_send(slot_actor, fault_atom::value, false);  // repaired with its pack in: ready again
  sched->run();
  EXPECT_EQ(s.state, twin::slot_state::ready);
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
