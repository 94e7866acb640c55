// `swaptwin admin provision`: the emulator's layout (adapters/live_layout.hpp) written into the
// back office in one transaction, read back with adapters::store.
#include "adapters/live_layout.hpp"
#include "adapters/password.hpp"
#include "cli_harness.hpp"

namespace swaptwin::apptest {
namespace {

using namespace twin;

class provision_test : public cli_test {};

TEST_F(provision_test, WritesStationsPacksAndRidersOfTheEmulatorLayout) {
  const auto out = ok({"provision", "--stations", "3", "--slots", "4", "--riders-per-station", "2", "--first", "7",
                       "--password", "pw-{sn}-0123456789", "--plan-price-minor", "250"});
  EXPECT_NE(out.find("provisioned 3 stations (EMU-00007 .. EMU-00009)"), std::string::npos) << out;
  auto db = store();
  adapters::layout::params p;
  p.first = 7;
  p.stations = 3;
  p.slots = 4;
  p.riders_per_station = 2;
  const auto layout = adapters::layout::provisioning(p);
  ASSERT_EQ(db.stations().size(), 3u);
  std::set<std::pair<double, double>> places;
  for (const auto& want : layout) {
    auto s = db.station(want.sn);
    ASSERT_TRUE(s) << want.sn;
    EXPECT_EQ(s->reg, registration::accepted);
    places.insert({s->location.lat, s->location.lon});
    ASSERT_EQ(s->slots.size(), 4u);
    for (int i = 1; i <= 3; ++i) {
      const auto& sl = s->slots[static_cast<std::size_t>(i - 1)];
      EXPECT_EQ(sl.battery_sn, adapters::layout::slot_pack_sn(want.sn, i));
      EXPECT_EQ(sl.model_id, "48V");
      EXPECT_DOUBLE_EQ(sl.soc, 1.0);
      EXPECT_EQ(sl.state, slot_state::ready);
      auto b = db.battery(sl.battery_sn);
      ASSERT_TRUE(b);
      EXPECT_EQ(b->place, pack_place::slot);
      EXPECT_EQ(b->place_ref, want.sn + ":" + std::to_string(i));
    }
    EXPECT_EQ(s->slots[3].battery_sn, "");  // the last slot is empty
    const auto hash = db.station_password_hash(want.sn);
    ASSERT_TRUE(hash);
    EXPECT_EQ(db.credential_of(want.sn), adapters::station_credential::password);
    EXPECT_TRUE(adapters::verify_password("pw-" + want.sn + "-0123456789", *hash));
    for (const auto& r : want.riders) {
      auto x = db.rider(r.id);
      ASSERT_TRUE(x) << r.id;
      EXPECT_EQ(x->kyc, kyc_status::verified);
      EXPECT_EQ(x->country, "KE");
      EXPECT_EQ(x->holding_sn, r.holding.sn);
      EXPECT_EQ(x->holding_model, "48V");
      ASSERT_TRUE(x->plan);
      EXPECT_EQ(x->plan->plan_id, "emu-per-swap");
      ASSERT_EQ(x->deposits.count("48V"), 1u);
      EXPECT_EQ(x->deposits.at("48V").currency, "KES");
      auto b = db.battery(r.holding.sn);
      ASSERT_TRUE(b);
      EXPECT_EQ(b->place, pack_place::rider);
      EXPECT_EQ(b->place_ref, r.id);
      EXPECT_DOUBLE_EQ(b->soc, 0.3);
      // The deposit is in the ledger (the pay-per-swap plan itself costs nothing up front).
      bool deposit_posted = false;
      for (const auto& po : db.postings(r.id)) deposit_posted |= po.kind == posting_kind::deposit_in;
      EXPECT_TRUE(deposit_posted) << r.id;
    }
  }
  EXPECT_EQ(places.size(), 3u);  // one place per station
  EXPECT_EQ(db.riders().size(), 6u);
  EXPECT_EQ(db.batteries().size(), 3u * 3 + 6);
  auto plan = db.plan("emu-per-swap");
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->kind, plan_kind::cycles);
  EXPECT_EQ(plan->unit_price_minor, 250);
  EXPECT_EQ(plan->currency, "KES");
  ASSERT_TRUE(db.country("KE"));
  EXPECT_TRUE(db.model("48V"));
}

TEST_F(provision_test, RefusesAStationThatExistsAndWritesNothing) {
  ok({"provision", "--stations", "2", "--slots", "3", "--riders-per-station", "1", "--no-password"});
  const auto before = snapshot();
  // EMU-00002 exists: the whole run (EMU-00002 .. EMU-00004) is refused.
  auto r = admin({"provision", "--stations", "3", "--first", "2", "--slots", "3", "--no-password"});
  EXPECT_ONE_LINE_ERROR(r, "station.duplicate");
  EXPECT_NE(r.err.find("EMU-00002"), std::string::npos) << r.err;
  EXPECT_EQ(changes_since(before), "");
  // Another range goes in beside the first, reusing the country, deposit and plan.
  ok({"provision", "--stations", "1", "--first", "3", "--slots", "3", "--riders-per-station", "1", "--no-password"});
  EXPECT_EQ(store().stations().size(), 3u);
  // A password that a cabinet could not send is refused before anything is written.
  EXPECT_ONE_LINE_ERROR(admin({"provision", "--stations", "1", "--first", "9", "--password", "short"}), "input.invalid");
}

// Issue 11: provisioned cabinets connect without credentials only when the operator says so.
TEST_F(provision_test, RefusesWithoutSayingHowTheCabinetsAreAdmitted) {
  const auto before = snapshot();
  auto r = admin({"provision", "--stations", "2", "--slots", "3"});
  EXPECT_ONE_LINE_ERROR(r, "input.invalid");
  EXPECT_EQ(r.err,
            "swaptwin: input.invalid: provision: say how the cabinets are admitted: --password PATTERN ({sn} is "
            "replaced by each SN; 16 to 40 characters) or --no-password (they connect without credentials)\n");
  EXPECT_EQ(changes_since(before), "");
  const auto out = ok({"provision", "--stations", "2", "--slots", "3", "--riders-per-station", "1", "--no-password"});
  EXPECT_NE(out.find(", no passwords (--no-password) in "), std::string::npos) << out;
  auto db = store();
  for (const char* sn : {"EMU-00001", "EMU-00002"}) {
    EXPECT_EQ(db.credential_of(sn), adapters::station_credential::none) << sn;
    EXPECT_EQ(db.station_password_hash(sn), std::optional<std::string>{""}) << sn;
  }
}

}  // namespace
}  // namespace swaptwin::apptest
