// Stations: SN rules, rename, desired vs reported settings, slot counts; plus packs and positions.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "fixtures.hpp"
#include "twin/battery.hpp"
#include "twin/geo.hpp"
#include "twin/station.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

station fresh() { return make_station("ST-9", "Kilimani", geo_point{-1.29, 36.78}, 6, 7200, at("2026-01-01")); }

TEST(MakeStation, EmptySlotsAndEqualSettings) {
  const station s = fresh();
  EXPECT_EQ(s.sn, "ST-9");
  EXPECT_EQ(s.name(), "Kilimani");
  ASSERT_EQ(s.slots.size(), 6u);
  for (size_t i = 0; i < s.slots.size(); ++i) {
    EXPECT_EQ(s.slots[i].index, static_cast<int>(i) + 1);
    EXPECT_EQ(s.slots[i].state, slot_state::empty);
  }
  EXPECT_EQ(s.desired.power_cap_w, 7200);
  EXPECT_EQ(s.reported.name, "Kilimani");
  EXPECT_EQ(s.reported.power_cap_w, 7200);
  EXPECT_FALSE(s.link.online);
  EXPECT_EQ(s.created_at, at("2026-01-01"));
  EXPECT_TRUE(pending_changes(s).empty());
  EXPECT_EQ(free_count(s), 6);
}

TEST(ValidateSn, Rules) {
  EXPECT_EQ(validate_sn("ST-9"), "");
  EXPECT_EQ(validate_sn("cab_01.shenzhen"), "");
  EXPECT_EQ(validate_sn(std::string(50, 'A')), "");
  EXPECT_NE(validate_sn(""), "");
  EXPECT_NE(validate_sn(std::string(51, 'A')), "");
  EXPECT_NE(validate_sn("ST 9"), "");
  EXPECT_NE(validate_sn("ST/9"), "");
}

TEST(SlotState, NamesRoundTrip) {
  for (auto v : {slot_state::empty, slot_state::charging, slot_state::ready, slot_state::fault, slot_state::disabled}) {
    slot_state back = slot_state::empty;
    ASSERT_TRUE(from_string(to_string(v), back));
    EXPECT_EQ(back, v);
  }
  slot_state s = slot_state::ready;
  EXPECT_FALSE(from_string("full", s));
}

TEST(Rename, TrimsAndKeepsSn) {
  station s = fresh();
  ASSERT_TRUE(rename(s, "  Kilimani Hub \t\n").ok());
  EXPECT_EQ(s.name(), "Kilimani Hub");
  EXPECT_EQ(s.desired.name, "Kilimani Hub");
  EXPECT_EQ(s.reported.name, "Kilimani");  // the cabinet has not applied it yet
  EXPECT_EQ(s.sn, "ST-9");
}

TEST(Rename, EmptyOrBlankRefused) {
  station s = fresh();
  for (const char* blank : {"", "   ", "\t\n"}) {
    auto st = rename(s, blank);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), errc::name_empty);
    EXPECT_EQ(code_string(st.code()), "station.name_empty");
  }
  EXPECT_EQ(s.name(), "Kilimani");
  EXPECT_EQ(s.sn, "ST-9");
}

TEST(Rename, AtMost64Characters) {
  station s = fresh();
  EXPECT_TRUE(rename(s, std::string(64, 'x')).ok());
  EXPECT_EQ(s.name(), std::string(64, 'x'));
  EXPECT_EQ(rename(s, std::string(65, 'x')).code(), errc::invalid_argument);
  EXPECT_EQ(s.name(), std::string(64, 'x'));
  // Trimming happens before the length check.
  EXPECT_TRUE(rename(s, "  " + std::string(64, 'y') + "  ").ok());
}

// The limit is documented in characters ("at most 64 characters"), but a UTF-8 name is measured in
// bytes: 30 Chinese characters (90 bytes) are refused although they are well under 64 characters.
TEST(Rename, LimitCountsCharactersNotUtf8Bytes) {
  station s = fresh();
  std::string name;
  for (int i = 0; i < 30; ++i) name += "站";  // U+7AD9, 3 bytes in UTF-8
  ASSERT_EQ(name.size(), 90u);
  auto st = rename(s, name);
  EXPECT_TRUE(st.ok()) << st.err().what();
  EXPECT_EQ(s.name(), name);
}

TEST(PendingChanges, EveryKindOfDifferenceInStableOrder) {
  station s = fresh();
  ASSERT_TRUE(rename(s, "Kilimani Hub").ok());
  s.desired.power_cap_w = 5000;
  s.desired.enabled = false;
  s.desired.disabled_slots = {3, 6};
  s.reported.disabled_slots = {1, 6};
  const std::vector<setting_change> expected{
      {"name", "Kilimani Hub"},
      {"power_cap_w", "5000"},
      {"enabled", "false"},
      {"slot.1.enabled", "true"},   // re-enabled by the operator
      {"slot.3.enabled", "false"},  // newly disabled
  };                                // slot 6 is disabled on both sides: nothing to push
  EXPECT_EQ(pending_changes(s), expected);
  s.reported = s.desired;
  EXPECT_TRUE(pending_changes(s).empty());
}

TEST(PendingChanges, ReenablingStation) {
  station s = fresh();
  s.reported.enabled = false;
  EXPECT_EQ(pending_changes(s), (std::vector<setting_change>{{"enabled", "true"}}));
}

TEST(SlotCounts, ReadyCountPerModelHonoursDisabledSlots) {
  station s = valid_station();  // 1 ready 60V, 2 empty, 3 charging 60V, 4 ready 72V
  EXPECT_EQ(ready_count(s, "60V"), 1);
  EXPECT_EQ(ready_count(s, "72V"), 1);
  EXPECT_EQ(ready_count(s, "48V"), 0);
  s.slots[2].state = slot_state::ready;
  EXPECT_EQ(ready_count(s, "60V"), 2);
  s.desired.disabled_slots = {1};  // operator took slot 1 out
  EXPECT_EQ(ready_count(s, "60V"), 1);
  s.desired.disabled_slots.clear();
  s.slots[0].state = slot_state::fault;
  EXPECT_EQ(ready_count(s, "60V"), 1);
}

TEST(SlotCounts, FreeCountHonoursDisabledAndOpenDoors) {
  station s = fresh();  // 6 empty slots
  EXPECT_EQ(free_count(s), 6);
  s.desired.disabled_slots = {2};
  EXPECT_EQ(free_count(s), 5);
  s.slots[3].state = slot_state::disabled;  // slot 4 reported disabled
  EXPECT_EQ(free_count(s), 4);
  s.slots[4].door_open = true;  // slot 5
  EXPECT_EQ(free_count(s), 3);
  s.slots[5].state = slot_state::charging;  // slot 6 holds a pack
  EXPECT_EQ(free_count(s), 2);
  s.slots[0].state = slot_state::fault;
  EXPECT_EQ(free_count(s), 1);  // only slot 3 left
}

TEST(SlotDisabled, OperatorReportedAndOutOfRange) {
  station s = fresh();
  EXPECT_FALSE(slot_disabled(s, 1));
  EXPECT_FALSE(slot_disabled(s, 6));
  EXPECT_TRUE(slot_disabled(s, 0));
  EXPECT_TRUE(slot_disabled(s, 7));
  s.desired.disabled_slots = {2};
  EXPECT_TRUE(slot_disabled(s, 2));
  s.slots[2].state = slot_state::disabled;
  EXPECT_TRUE(slot_disabled(s, 3));
}

TEST(Battery, EnergyDrawn) {
  // 60V pack, 1560 Wh: 0.9 -> 0.2 is 70 % = 1092 Wh; at 90 % health 982.8 -> 983 Wh.
  EXPECT_EQ(energy_drawn_wh(1560, 1.0, 0.9, 0.2), 1092);
  EXPECT_EQ(energy_drawn_wh(1560, 0.9, 0.9, 0.2), 983);
  EXPECT_EQ(energy_drawn_wh(1560, 1.0, 0.5, 0.5), 0);
  EXPECT_EQ(energy_drawn_wh(1560, 1.0, 0.5, 0.6), 0);  // never negative
}

TEST(Battery, ModelsAndPlaces) {
  auto models = default_models();
  ASSERT_EQ(models.size(), 3u);
  EXPECT_EQ(models[0].id, "48V");
  EXPECT_EQ(models[1].id, "60V");
  EXPECT_EQ(models[1].capacity_wh, 1560);
  EXPECT_EQ(models[2].nominal_v, 72);
  for (auto p : {pack_place::warehouse, pack_place::slot, pack_place::rider, pack_place::transit}) {
    pack_place back = pack_place::warehouse;
    ASSERT_TRUE(from_string(to_string(p), back));
    EXPECT_EQ(back, p);
  }
  pack_place p = pack_place::rider;
  EXPECT_FALSE(from_string("lost", p));
}

TEST(Geo, DistanceAndValidity) {
  // One degree of latitude on the mean sphere: 6371008.8 m * pi / 180 = 111195.08 m.
  EXPECT_NEAR(distance_m({0.0, 0.0}, {1.0, 0.0}), 111195.08, 0.01);
  EXPECT_NEAR(distance_m({0.0, 0.0}, {0.0, 1.0}), 111195.08, 0.01);  // along the equator too
  EXPECT_DOUBLE_EQ(distance_m({22.53, 113.93}, {22.53, 113.93}), 0.0);
  EXPECT_NEAR(distance_m({22.53, 113.93}, {22.54, 113.93}), 1111.95, 0.01);
  EXPECT_TRUE(valid({-90.0, 180.0}));
  EXPECT_FALSE(valid({90.1, 0.0}));
  EXPECT_FALSE(valid({0.0, -180.5}));
  EXPECT_FALSE(valid({std::nan(""), 0.0}));
}

}  // namespace
