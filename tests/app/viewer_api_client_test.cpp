// The viewer's side of the operator API without sockets (app/viewer_api_client.hpp): the request
// each action becomes, the words its answer is shown with, and the JSON reads as view-model parts.
#include "app/viewer_api_client.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace swaptwin::app {
namespace {

namespace va = viewer::actions;
using json = nlohmann::json;

TEST(ViewerApiClient, EveryActionBecomesItsRequest) {
  auto rename = call_of(va::rename_station{"SZ-0001", "Depot \"A\""});
  EXPECT_EQ(rename.method, "POST");
  EXPECT_EQ(rename.target, "/api/v1/stations/SZ-0001/rename");
  EXPECT_EQ(json::parse(rename.body), (json{{"name", "Depot \"A\""}}));
  EXPECT_EQ(rename.done, "renamed SZ-0001 to Depot \"A\"");
  EXPECT_EQ(call_of(va::accept_station{"NEW 1"}).target, "/api/v1/stations/NEW%201/accept");  // a segment, encoded
  EXPECT_EQ(call_of(va::reject_station{"X-9"}).target, "/api/v1/stations/X-9/reject");
  auto off = call_of(va::set_slot_enabled{"SZ-0001", 3, false});
  EXPECT_EQ(off.target, "/api/v1/stations/SZ-0001/slots/3/disable");
  EXPECT_TRUE(off.body.empty());
  EXPECT_EQ(off.done, "disabled slot 3 of SZ-0001");
  EXPECT_EQ(call_of(va::set_slot_enabled{"SZ-0001", 3, true}).target, "/api/v1/stations/SZ-0001/slots/3/enable");
  EXPECT_EQ(call_of(va::verify_rider{"R-12"}).target, "/api/v1/riders/R-12/verify");
  auto ack = call_of(va::acknowledge_work_order{"WO-12"});
  EXPECT_EQ(ack.target, "/api/v1/work-orders/12/acknowledge");  // operators say WO-12, the API counts
  EXPECT_EQ(ack.done, "acknowledged WO-12");
  auto assign = call_of(va::assign_work_order{"WO-12", "A-1"});
  EXPECT_EQ(assign.method, "POST");
  EXPECT_EQ(assign.target, "/api/v1/work-orders/12/assign");
  EXPECT_EQ(assign.body, R"({"agent_id":"A-1"})");
  EXPECT_EQ(assign.done, "assigned WO-12 to A-1");
}

TEST(ViewerApiClient, OutcomesAreShownInWords) {
  const auto call = call_of(va::rename_station{"SZ-0001", "Depot"});
  EXPECT_EQ(outcome_text(call, {200, R"({"sn":"SZ-0001"})", ""}), "renamed SZ-0001 to Depot");
  EXPECT_EQ(outcome_text(call, {403, R"({"error":"auth.forbidden","message":"this needs the role operator","need":"operator"})", ""}),
            "403: needs operator role");
  EXPECT_EQ(outcome_text(call, {404, R"({"error":"station.unknown","message":"station SZ-0001 is not known"})", ""}),
            "404: station SZ-0001 is not known");
  EXPECT_EQ(outcome_text(call, {409, R"({"error":"work_order.state"})", ""}), "409: work_order.state");
  EXPECT_EQ(outcome_text(call, {401, "", ""}), "401: token refused");
  EXPECT_EQ(outcome_text(call, {502, "<html>", ""}), "502: refused");
  EXPECT_EQ(outcome_text(call, {0, "", "connect: Connection refused"}), "not sent: connect: Connection refused");
}

TEST(ViewerApiClient, ReadsBecomeViewModelParts) {
  auto plans = plans_from_json(R"([
    {"id":"week","name":"Weekly","kind":"period","period":"week","currency":"KES","price_minor":150000},
    {"id":"km","name":"Per km","kind":"distance","bundle_km":0,"currency":"KES","price_minor":0,"unit_price_minor":12},
    {"id":"old","name":"Old","kind":"cycles","retired":true}])");
  ASSERT_EQ(plans.size(), 2u);  // the retired one is not on sale
  EXPECT_EQ(plans[0].kind, "week");
  EXPECT_EQ(plans[0].price.minor, 150000);
  EXPECT_EQ(plans[1].kind, "per km");
  EXPECT_EQ(plans[1].price.minor, 12);
  // Fields of an unexpected type are read as absent, never thrown from the network thread.
  EXPECT_EQ(plans_from_json(R"([{"id":"x","retired":1,"price_minor":"12"}])").size(), 1u);

  auto riders = riders_from_json(R"([{"id":"R-1","kyc":"verified","plan":{"plan_id":"km","kind":"distance"},
    "deposits":{"48V":{"currency":"KES","amount_minor":400000},"60V":{"currency":"KES","amount_minor":100000}}},
    {"id":"R-2","kyc":"rejected","plan":null,"deposits":{}}])", plans);
  ASSERT_EQ(riders.size(), 2u);
  EXPECT_EQ(riders[0].kyc, viewer::kyc_state::verified);
  EXPECT_EQ(riders[0].plan, "Per km");
  EXPECT_EQ(riders[0].deposit.minor, 500000);
  EXPECT_EQ(riders[1].kyc, viewer::kyc_state::rejected);
  EXPECT_TRUE(riders[1].plan.empty());

  auto packs = batteries_from_json(R"([
    {"sn":"P-1","model_id":"48V","soh":0.974,"cycles":120,"place":"slot","place_ref":"SZ-0001:3"},
    {"sn":"P-2","model_id":"48V","soh":1.0,"cycles":0,"place":"rider","place_ref":"R-1"},
    {"sn":"P-3","model_id":"60V","soh":0.5,"cycles":9,"place":"warehouse","place_ref":null}])");
  ASSERT_EQ(packs.size(), 3u);
  EXPECT_EQ(packs[0].where, "station SZ-0001 slot 3");
  EXPECT_EQ(packs[0].soh_percent, 97);
  EXPECT_EQ(packs[1].where, "rider R-1");
  EXPECT_EQ(packs[2].where, "warehouse");

  auto deposits = deposits_from_json(R"([{"model_id":"48V","currency":"KES","amount_minor":400000}])");
  ASSERT_EQ(deposits.size(), 1u);
  EXPECT_EQ(deposits[0].battery_model, "48V");
  EXPECT_EQ(deposits[0].amount.minor, 400000);

  EXPECT_THROW(riders_from_json(R"({"error":"route.unknown"})", plans), std::invalid_argument);
  EXPECT_THROW(plans_from_json("not json"), std::invalid_argument);
}

}  // namespace
}  // namespace swaptwin::app
