// The physical swap: choosing slots and applying the swap to the station and packs.

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/swap.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

TEST(ChooseSlots, LowestEmptySlotAndFullestReadyPack) {
  station s = valid_station();  // 1 ready 60V soc 1.0, 2 empty, 3 charging 60V, 4 ready 72V
  s.slots[0].soc = 0.95;
  s.slots[2] = slot{3, slot_state::ready, false, "P-FULL", "60V", 0.98, 0};
  auto c = choose_slots(s, "60V", true);
  ASSERT_TRUE(c.ok()) << c.err().what();
  EXPECT_EQ(c->slot_in, 2);
  EXPECT_EQ(c->slot_out, 3);  // 0.98 beats 0.95
}

TEST(ChooseSlots, TieGoesToLowestSlot) {
  station s = valid_station();
  s.slots[2] = slot{3, slot_state::ready, false, "P-TWIN", "60V", 1.0, 0};
  auto c = choose_slots(s, "60V", true);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->slot_out, 1);
}

TEST(ChooseSlots, NoReturnNeedsNoEmptySlot) {
  station s = valid_station();
  s.slots[1].state = slot_state::fault;
  auto c = choose_slots(s, "60V", false);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->slot_in, 0);
  EXPECT_EQ(c->slot_out, 1);
  EXPECT_EQ(choose_slots(s, "60V", true).code(), errc::slot_unavailable);
}

TEST(ChooseSlots, SkipsDisabledAndOpenSlots) {
  station s = make_station("ST-2", "Two", geo_point{}, 4, 4000, at("2026-01-01"));
  s.slots[0].door_open = true;                   // slot 1 empty but door open
  s.desired.disabled_slots = {2};                // slot 2 empty but out of service
  s.slots[3] = slot{4, slot_state::ready, false, "P-4", "60V", 1.0, 0};
  auto c = choose_slots(s, "60V", true);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->slot_in, 3);
  s.desired.disabled_slots = {2, 4};  // the only ready pack is in a disabled slot
  EXPECT_EQ(choose_slots(s, "60V", true).code(), errc::stock_empty);
  EXPECT_EQ(choose_slots(s, "72V", false).code(), errc::stock_empty);
}

TEST(ApplySwap, MovesPacksAndCountsEnergy) {
  station s = valid_station();
  battery returned;
  returned.sn = "P-OLD";
  returned.model_id = "60V";
  returned.soc = 0.9;  // as handed out
  returned.soh = 1.0;
  returned.place = pack_place::rider;
  returned.place_ref = "R1";
  returned.energy_out_wh = 1000;
  returned.cycles = 10.0;
  battery issued;
  issued.sn = "P-NEW";
  issued.model_id = "60V";
  issued.place = pack_place::slot;
  issued.place_ref = "ST-1:1";

  apply_swap(s, swap_slots{2, 1}, &returned, 0.2, 1560, issued, "R1");

  // Issued pack leaves slot 1 for the rider with the slot's charge.
  EXPECT_EQ(issued.place, pack_place::rider);
  EXPECT_EQ(issued.place_ref, "R1");
  EXPECT_DOUBLE_EQ(issued.soc, 1.0);
  EXPECT_EQ(s.slots[0].state, slot_state::empty);
  EXPECT_EQ(s.slots[0].battery_sn, "");
  EXPECT_EQ(s.slots[0].index, 1);
  // Returned pack: 0.9 -> 0.2 of 1560 Wh = 1092 Wh drawn, 0.7 equivalent cycles.
  EXPECT_EQ(returned.energy_out_wh, 1000 + 1092);
  EXPECT_DOUBLE_EQ(returned.cycles, 10.0 + 1092.0 / 1560.0);
  EXPECT_DOUBLE_EQ(returned.soc, 0.2);
  EXPECT_EQ(returned.place, pack_place::slot);
  EXPECT_EQ(returned.place_ref, "ST-1:2");
  EXPECT_EQ(s.slots[1].state, slot_state::charging);
  EXPECT_EQ(s.slots[1].battery_sn, "P-OLD");
  EXPECT_EQ(s.slots[1].model_id, "60V");
  EXPECT_DOUBLE_EQ(s.slots[1].soc, 0.2);
  // Nothing else moved.
  EXPECT_EQ(s.slots[2].battery_sn, "P-CHG");
  EXPECT_EQ(s.slots[3].battery_sn, "P-72");
}

TEST(ApplySwap, FirstPickUpOnlyEmptiesTheOutSlot) {
  station s = valid_station();
  battery issued;
  issued.sn = "P-NEW";
  apply_swap(s, swap_slots{0, 1}, nullptr, 0.0, 1560, issued, "R9");
  EXPECT_EQ(issued.place_ref, "R9");
  EXPECT_EQ(s.slots[0].state, slot_state::empty);
  EXPECT_EQ(s.slots[1].state, slot_state::empty);
  EXPECT_EQ(s.slots[1].battery_sn, "");
}

}  // namespace
