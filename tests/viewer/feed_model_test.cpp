// The operator feed applied to a view model (viewer/feed_model.hpp): snapshots, deltas by key,
// alerts capped, the colour category, sequence gaps. Headless: no ImGui frame at all.
#include "viewer/feed_model.hpp"

#include <gtest/gtest.h>

#include <string>

namespace swaptwin::viewer {
namespace {

constexpr std::int64_t t0 = 1795492980000;  // 2026-11-24 04:03:00 UTC

v1::FeedSlot* add_slot(v1::FeedStation& s, v1::FeedSlotState state, const char* pack = "", int soc = 0) {
  auto* sl = s.add_slots();
  sl->set_index(s.slots_size());
  sl->set_state(state);
  sl->set_pack_sn(pack);
  sl->set_soc_percent(soc);
  sl->set_temperature_c(*pack ? 25.5 : 0);
  return sl;
}

// An online station with `ready` ready slots and one empty one.
v1::FeedStation station(const std::string& sn, bool online, int ready) {
  v1::FeedStation s;
  s.set_sn(sn);
  s.set_name("name of " + sn);
  s.mutable_location()->set_lat(-1.28);
  s.mutable_location()->set_lon(36.82);
  s.set_online(online);
  s.set_last_seen_ms(t0 - 1000);
  for (int i = 0; i < ready; ++i) add_slot(s, v1::FEED_SLOT_STATE_READY, "P", 97);
  add_slot(s, v1::FEED_SLOT_STATE_EMPTY);
  s.set_ready_packs(ready);
  return s;
}

v1::FeedMessage snapshot_message(std::uint64_t seq) {
  v1::FeedMessage m;
  m.set_seq(seq);
  auto* snap = m.mutable_snapshot();
  snap->set_now_ms(t0);
  snap->set_time_zone("Africa/Nairobi");
  snap->set_utc_offset_minutes(180);
  *snap->add_stations() = station("SZ-0003", true, 4);
  *snap->add_stations() = station("SZ-0001", true, 2);
  *snap->add_stations() = station("SZ-0002", false, 0);
  auto* w = snap->add_work_orders();
  w->set_id("WO-1");
  w->set_station_sn("SZ-0002");
  w->set_kind("offline");
  w->set_state("en_route");
  w->set_agent_id("A-1");
  w->set_sla_due_ms(t0 + 3'600'000);
  auto* done = snap->add_work_orders();
  done->set_id("WO-0");
  done->set_state("resolved");
  auto* a = snap->add_agents();
  a->set_id("A-1");
  a->set_state("travelling");
  a->set_work_order_id("WO-1");
  auto* al = snap->add_alerts();
  al->set_at_ms(t0 - 60'000);
  al->set_severity(v1::FEED_SEVERITY_CRITICAL);
  al->set_station_sn("SZ-0002");
  al->set_text("Station offline");
  auto* d = snap->mutable_dashboard();
  auto* rev = d->add_revenue_today();
  rev->set_currency("KES");
  rev->set_minor(123456);
  d->set_riders_today(7);
  for (int h = 0; h < 24; ++h) d->add_swaps_per_hour(h);
  d->set_stations_online(2);
  d->set_stations_offline(1);
  auto* kes = snap->add_currencies();
  kes->set_code("KES");
  kes->set_symbol("KSh");
  kes->set_decimals(2);
  auto* inr = snap->add_currencies();
  inr->set_code("INR");
  inr->set_symbol("\xE2\x82\xB9");  // ₹
  inr->set_decimals(2);
  snap->set_reason("subscribed");
  return m;
}

v1::FeedMessage deltas_message(std::uint64_t seq) {
  v1::FeedMessage m;
  m.set_seq(seq);
  m.mutable_deltas()->set_now_ms(t0 + static_cast<std::int64_t>(seq) * 1000);
  return m;
}

TEST(FeedModel, StationCategoryFollowsLinkFaultAndStock) {
  EXPECT_EQ(station_from_feed(station("S", false, 5)).category, station_category::offline);
  EXPECT_EQ(station_from_feed(station("S", true, low_stock_threshold + 1)).category, station_category::online_stocked);
  EXPECT_EQ(station_from_feed(station("S", true, low_stock_threshold)).category, station_category::online_low_stock);
  EXPECT_EQ(station_from_feed(station("S", true, 0)).category, station_category::online_low_stock);
  auto faulted = station("S", true, 5);
  add_slot(faulted, v1::FEED_SLOT_STATE_FAULT, "P-9", 50);
  EXPECT_EQ(station_from_feed(faulted).category, station_category::fault);
  faulted.set_online(false);  // an offline station's last known fault does not make it red
  EXPECT_EQ(station_from_feed(faulted).category, station_category::offline);
}

TEST(FeedModel, StationMapsSlotsOneByOne) {
  auto s = station("SZ-0001", true, 1);
  add_slot(s, v1::FEED_SLOT_STATE_CHARGING, "P-2", 40);
  add_slot(s, v1::FEED_SLOT_STATE_RESERVED, "P-3", 99);
  add_slot(s, v1::FEED_SLOT_STATE_DISABLED);
  add_slot(s, v1::FEED_SLOT_STATE_UNSPECIFIED);
  const auto v = station_from_feed(s);
  EXPECT_EQ(v.sn, "SZ-0001");
  EXPECT_EQ(v.name, "name of SZ-0001");
  EXPECT_DOUBLE_EQ(v.lat, -1.28);
  EXPECT_EQ(v.last_seen_ms, t0 - 1000);
  ASSERT_EQ(v.slots.size(), 6u);
  EXPECT_EQ(v.slots[0].state, slot_state::ready);
  EXPECT_EQ(v.slots[0].temperature_c, 25.5);
  EXPECT_EQ(v.slots[1].state, slot_state::empty);
  EXPECT_EQ(v.slots[2].state, slot_state::charging);
  EXPECT_EQ(v.slots[2].pack_sn, "P-2");
  EXPECT_EQ(v.slots[2].soc_percent, 40);
  EXPECT_EQ(v.slots[3].state, slot_state::reserved);
  EXPECT_EQ(v.slots[4].state, slot_state::disabled);
  EXPECT_EQ(v.slots[5].state, slot_state::empty);
  EXPECT_EQ(v.slots[5].index, 6);
}

TEST(FeedModel, SnapshotReplacesTheLivePartsAndKeepsTheRest) {
  view_model vm;
  vm.stations.push_back({});  // a station of an earlier subscription: gone after the snapshot
  vm.stations.back().sn = "OLD";
  vm.riders = {{"R-1", kyc_state::verified, "Weekly", {"KES", 500000}}};  // from the HTTP reads
  vm.alerts.resize(3);
  vm.now_ms = 42;
  vm.source.label = "live";
  apply_snapshot(snapshot_message(1).snapshot(), vm);

  ASSERT_EQ(vm.stations.size(), 3u);  // in SN order
  EXPECT_EQ(vm.stations[0].sn, "SZ-0001");
  EXPECT_EQ(vm.stations[0].category, station_category::online_low_stock);
  EXPECT_EQ(vm.stations[1].category, station_category::offline);
  EXPECT_EQ(vm.stations[2].category, station_category::online_stocked);
  ASSERT_EQ(vm.work_orders.size(), 1u);  // the resolved one is not listed
  EXPECT_EQ(vm.work_orders[0].state, "en route");
  EXPECT_EQ(vm.work_orders[0].kind, "offline");
  ASSERT_EQ(vm.agents.size(), 1u);
  EXPECT_EQ(vm.agents[0].state, agent_state::travelling);
  ASSERT_EQ(vm.alerts.size(), 1u);
  EXPECT_EQ(vm.alerts[0].severity, alert_severity::critical);
  EXPECT_EQ(vm.dashboard.revenue_today.at(0).minor, 123456);
  EXPECT_EQ(vm.dashboard.swaps_per_hour[23], 23.0f);
  EXPECT_EQ(vm.dashboard.stations_offline, 1);
  EXPECT_EQ(vm.time_zone_name, "Africa/Nairobi");
  EXPECT_EQ(vm.utc_offset_minutes, 180);
  ASSERT_EQ(vm.currencies.size(), 2u);
  EXPECT_EQ(vm.currencies[0].symbol, "KSh");
  EXPECT_EQ(vm.currencies[1].symbol, "\xE2\x82\xB9");  // kept: format_money decides what the font can draw
  EXPECT_EQ(vm.riders.size(), 1u);
  EXPECT_EQ(vm.now_ms, 42);
  EXPECT_EQ(vm.source.label, "live");
}

TEST(FeedModel, DeltasReplaceByKey) {
  view_model vm;
  apply_snapshot(snapshot_message(1).snapshot(), vm);
  auto m = deltas_message(2);
  auto* d = m.mutable_deltas();
  *d->add_deltas()->mutable_station() = station("SZ-0002", true, 3);  // came back
  *d->add_deltas()->mutable_station() = station("SZ-0000", true, 1);  // new: first in SN order
  d->add_deltas()->set_station_removed("SZ-0003");
  auto* w = d->add_deltas()->mutable_work_order();
  w->set_id("WO-1");
  w->set_state("resolved");
  auto* w2 = d->add_deltas()->mutable_work_order();
  w2->set_id("WO-2");
  w2->set_station_sn("SZ-0000");
  w2->set_kind("low_stock");
  w2->set_state("open");
  auto* a = d->add_deltas()->mutable_agent();
  a->set_id("A-1");
  a->set_state("idle");
  a->mutable_position()->set_lat(-1.3);
  auto* a2 = d->add_deltas()->mutable_agent();
  a2->set_id("A-2");
  a2->set_state("working");
  auto* al = d->add_deltas()->mutable_alert();
  al->set_text("Low stock of ready packs");
  al->set_severity(v1::FEED_SEVERITY_WARNING);
  d->add_deltas()->mutable_dashboard()->set_riders_today(8);
  apply_deltas(*d, vm);

  ASSERT_EQ(vm.stations.size(), 3u);
  EXPECT_EQ(vm.stations[0].sn, "SZ-0000");
  EXPECT_EQ(vm.stations[1].sn, "SZ-0001");
  EXPECT_EQ(vm.stations[2].sn, "SZ-0002");
  EXPECT_EQ(vm.stations[2].category, station_category::online_stocked);
  ASSERT_EQ(vm.work_orders.size(), 1u);
  EXPECT_EQ(vm.work_orders[0].id, "WO-2");
  EXPECT_EQ(vm.work_orders[0].kind, "low stock");
  ASSERT_EQ(vm.agents.size(), 2u);
  EXPECT_EQ(vm.agents[0].state, agent_state::idle);
  EXPECT_DOUBLE_EQ(vm.agents[0].lat, -1.3);
  EXPECT_EQ(vm.agents[1].state, agent_state::working);
  ASSERT_EQ(vm.alerts.size(), 2u);
  EXPECT_EQ(vm.alerts[1].text, "Low stock of ready packs");
  EXPECT_EQ(vm.alerts[1].severity, alert_severity::warning);
  EXPECT_EQ(vm.dashboard.riders_today, 8);
  EXPECT_TRUE(vm.dashboard.revenue_today.empty());  // a dashboard delta is the whole dashboard
}

TEST(FeedModel, AlertsAreCapped) {
  view_model vm;
  auto m = snapshot_message(1);
  for (std::size_t i = 0; i < max_feed_alerts + 100; ++i) m.mutable_snapshot()->add_alerts()->set_at_ms(static_cast<std::int64_t>(i));
  apply_snapshot(m.snapshot(), vm);
  ASSERT_EQ(vm.alerts.size(), max_feed_alerts);
  EXPECT_EQ(vm.alerts.back().at_ms, static_cast<std::int64_t>(max_feed_alerts + 99));
  auto more = deltas_message(2);
  for (int i = 0; i < 10; ++i) more.mutable_deltas()->add_deltas()->mutable_alert()->set_at_ms(-i);
  apply_deltas(more.deltas(), vm);
  ASSERT_EQ(vm.alerts.size(), max_feed_alerts);  // the oldest went
  EXPECT_EQ(vm.alerts.back().at_ms, -9);
  EXPECT_EQ(vm.alerts.front().at_ms, 110);
}

TEST(FeedFollower, AppliesSnapshotThenDeltasInOrder) {
  view_model vm;
  feed_follower f;
  EXPECT_FALSE(f.synced());
  auto s = f.apply(snapshot_message(1), vm);
  EXPECT_TRUE(s.applied);
  EXPECT_TRUE(s.snapshot);
  EXPECT_FALSE(s.gap);
  EXPECT_EQ(s.server_now_ms, t0);
  EXPECT_TRUE(f.synced());
  for (std::uint64_t seq = 2; seq <= 4; ++seq) {
    auto m = deltas_message(seq);
    m.mutable_deltas()->add_deltas()->mutable_alert()->set_at_ms(static_cast<std::int64_t>(seq));
    auto d = f.apply(m, vm);
    EXPECT_TRUE(d.applied);
    EXPECT_FALSE(d.snapshot);
    EXPECT_EQ(d.server_now_ms, t0 + static_cast<std::int64_t>(seq) * 1000);
  }
  EXPECT_EQ(vm.alerts.size(), 4u);
}

TEST(FeedFollower, AGapIsReportedOnceAndDeltasWaitForASnapshot) {
  view_model vm;
  feed_follower f;
  f.apply(snapshot_message(1), vm);
  f.apply(deltas_message(2), vm);
  auto late = deltas_message(4);  // 3 is missing
  late.mutable_deltas()->add_deltas()->set_station_removed("SZ-0001");
  auto g = f.apply(late, vm);
  EXPECT_TRUE(g.gap);
  EXPECT_EQ(g.expected_seq, 3u);
  EXPECT_FALSE(g.applied);
  EXPECT_FALSE(f.synced());
  EXPECT_TRUE(find_station(vm, "SZ-0001"));  // not applied
  auto next = f.apply(deltas_message(5), vm);
  EXPECT_FALSE(next.gap);  // already reported: one resubscription
  EXPECT_FALSE(next.applied);
  auto resync = f.apply(snapshot_message(1), vm);  // the new subscription starts at 1
  EXPECT_TRUE(resync.applied);
  EXPECT_TRUE(f.synced());
  EXPECT_TRUE(f.apply(deltas_message(2), vm).applied);
}

TEST(FeedFollower, DeltasBeforeAnySnapshotAreAGap) {
  view_model vm;
  feed_follower f;
  auto g = f.apply(deltas_message(1), vm);
  EXPECT_TRUE(g.gap);
  EXPECT_EQ(g.expected_seq, 1u);
  EXPECT_FALSE(f.apply(deltas_message(2), vm).gap);
  f.reset();  // a new connection: a stray delta is reported again
  EXPECT_TRUE(f.apply(deltas_message(1), vm).gap);
}

TEST(FeedFollower, AResyncSnapshotContinuesTheCount) {
  view_model vm;
  feed_follower f;
  f.apply(snapshot_message(1), vm);
  f.apply(deltas_message(2), vm);
  auto resync = snapshot_message(3);
  resync.mutable_snapshot()->set_reason("slow subscriber");
  resync.mutable_snapshot()->clear_stations();
  EXPECT_TRUE(f.apply(resync, vm).snapshot);
  EXPECT_TRUE(vm.stations.empty());
  EXPECT_TRUE(f.apply(deltas_message(4), vm).applied);
}

}  // namespace
}  // namespace swaptwin::viewer
