// A pack handed back without another (settle_return, apply_return) and the name checks (clean_name).

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/billing.hpp"
#include "twin/swap.hpp"
#include "twin/text.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

swap_usage hand_back(std::int64_t wh) {
  swap_usage u;
  u.station_sn = "ST-1";
  u.model_id = "60V";
  u.returned_sn = "P-OLD";
  u.energy_drawn_wh = wh;
  return u;
}

TEST(SettleReturn, PerKmChargesDistanceButNoSwapIsCounted) {
  rider r = valid_rider();
  r.plan = subscribed(per_km(), at("2026-11-01"));
  r.balance_minor = 10000;
  // 1000 Wh at 25 Wh/km = 40 km; 40 km x 0.30 CNY = 12.00 CNY; 13 % tax = 1.56 CNY.
  auto p = per_km();
  auto s = settle_return(r, &p, cn_policy(), hand_back(1000), at("2026-11-15T10:00:00Z"), "ret-1");
  ASSERT_TRUE(s.ok()) << s.err().what();
  EXPECT_EQ(s->km_m, 40000);
  EXPECT_EQ(s->net.minor, 1200);
  EXPECT_EQ(s->tax.minor, 156);
  EXPECT_EQ(s->change.after.balance_minor, 10000 - 1356);
  EXPECT_EQ(s->change.after.plan->swaps_used, 0);
  EXPECT_TRUE(s->change.after.holding_sn.empty());
  EXPECT_TRUE(s->change.after.holding_model.empty());
  ASSERT_EQ(s->change.postings.size(), 2u);
  EXPECT_EQ(s->change.postings[0].key, "ret-1");
  EXPECT_EQ(s->change.postings[1].key, "ret-1:tax");
}

TEST(SettleReturn, PerSwapPlanChargesNothingForAReturn) {
  rider r = valid_rider();
  r.plan = subscribed(per_swap(), at("2026-11-01"));
  auto p = per_swap();
  auto s = settle_return(r, &p, cn_policy(), hand_back(1000), at("2026-11-15T10:00:00Z"), "ret-2");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->net.minor, 0);
  EXPECT_TRUE(s->change.postings.empty());
  EXPECT_TRUE(s->change.after.holding_sn.empty());
}

TEST(SettleReturn, ExpiredPlanOrNoPlanStillLetsThePackBack) {
  rider r = valid_rider();  // month plan from 2026-11-01, expired on 2026-12-01
  auto m = month_unlimited();
  auto late = settle_return(r, &m, cn_policy(), hand_back(500), at("2026-12-20T10:00:00Z"), "ret-3");
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE(late->change.after.holding_sn.empty());
  r.plan.reset();
  auto none = settle_return(r, nullptr, cn_policy(), hand_back(500), at("2026-12-20T10:00:00Z"), "ret-4");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->net.minor, 0);
  EXPECT_EQ(none->net.currency, "CNY");
}

TEST(SettleReturn, RefusesAPackTheRiderDoesNotHold) {
  rider r = valid_rider();
  auto u = hand_back(100);
  u.returned_sn = "P-OTHER";
  auto m = month_unlimited();
  EXPECT_EQ(settle_return(r, &m, cn_policy(), u, at("2026-11-15"), "k").code(), errc::invalid_argument);
  r.holding_sn.clear();
  EXPECT_EQ(settle_return(r, &m, cn_policy(), hand_back(100), at("2026-11-15"), "k").code(), errc::invalid_argument);
}

TEST(ApplyReturn, PackGoesIntoTheSlotChargingWithItsEnergyCounted) {
  station s = valid_station();
  ASSERT_EQ(first_free_slot(s), 2);
  battery b;
  b.sn = "P-OLD";
  b.model_id = "60V";
  b.soc = 0.9;
  b.soh = 1.0;
  // 0.9 -> 0.4 of 1560 Wh = 780 Wh drawn = 0.5 equivalent cycles.
  apply_return(s, 2, b, 0.4, 1560);
  EXPECT_EQ(b.energy_out_wh, 780);
  EXPECT_DOUBLE_EQ(b.cycles, 0.5);
  EXPECT_EQ(b.place, pack_place::slot);
  EXPECT_EQ(b.place_ref, "ST-1:2");
  EXPECT_EQ(s.slots[1].state, slot_state::charging);
  EXPECT_EQ(s.slots[1].battery_sn, "P-OLD");
  EXPECT_EQ(first_free_slot(s), 0);
}

TEST(CleanName, TrimsAndAcceptsUtf8) {
  auto n = clean_name("  深圳 南山站  ", "name");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, "深圳 南山站");
}

TEST(CleanName, RefusesEmptyControlInvalidUtf8AndTooLong) {
  EXPECT_EQ(clean_name("   ", "name", errc::name_empty).code(), errc::name_empty);
  EXPECT_EQ(clean_name("a\nb", "name").code(), errc::invalid_argument);
  EXPECT_EQ(clean_name("tab\there", "name").code(), errc::invalid_argument);
  EXPECT_EQ(clean_name("Caf\xe9", "name").code(), errc::invalid_argument);        // Latin-1, not UTF-8
  EXPECT_EQ(clean_name("\xc0\xaf", "name").code(), errc::invalid_argument);       // overlong '/'
  EXPECT_EQ(clean_name("\xed\xa0\x80", "name").code(), errc::invalid_argument);   // a surrogate
  EXPECT_EQ(clean_name("\xe6\xb7", "name").code(), errc::invalid_argument);       // truncated
  EXPECT_TRUE(clean_name(std::string(64, 'x'), "name").ok());
  EXPECT_EQ(clean_name(std::string(65, 'x'), "name").code(), errc::invalid_argument);
  std::string cjk;
  for (int i = 0; i < 64; ++i) cjk += "站";  // 64 characters, 192 bytes
  EXPECT_TRUE(clean_name(cjk, "name").ok());
}

TEST(ValidUtf8, FourByteSequencesAndAscii) {
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("\xf0\x9f\x94\x8b"));   // U+1F50B battery
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\x80"));
}

}  // namespace
