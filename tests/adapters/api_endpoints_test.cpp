// The operator API's later endpoints over real sockets (api_fixture.hpp): lists of riders, packs,
// plans and agents with paging; verifying riders; assigning and acknowledging work orders; and
// every endpoint's 401 and every action's 403.
#include "api_fixture.hpp"

namespace swaptwin::adapters::testing {
namespace {

class ApiEndpointsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    store db{path()};
    ASSERT_DONE(db.add_plan(month_plan()));
    ASSERT_DONE(db.add_agent(agent{"A-1", "Wanjiru", "north", "+254700000001", {-1.28, 36.82}, agent_state::available}));
    ASSERT_DONE(db.assign_agent("SN-1", "A-1"));
    battery b;
    b.sn = "P-9";
    b.model_id = "60V";
    b.soc = 0.5;
    b.soh = 0.93;
    b.cycles = 120;
    ASSERT_DONE(db.add_battery(b));
    for (const char* id : {"R-2", "R-3"}) {
      auto r = cn_rider(id, now_);
      r.kyc = kyc_status::pending;
      ASSERT_DONE(db.add_rider(r));
    }
    auto young = cn_rider("R-4", now_);
    young.kyc = kyc_status::pending;
    young.kyc_documents = {"national_id"};  // the CN policy also asks for a selfie
    ASSERT_DONE(db.add_rider(young));
    work_order_id_ = db.work_orders(true).at(0).id;
  }

  std::string wo(const std::string& verb = {}) {
    return "/api/v1/work-orders/" + std::to_string(work_order_id_) + (verb.empty() ? "" : "/" + verb);
  }

  std::int64_t work_order_id_ = 0;
};

TEST_F(ApiEndpointsTest, ListsRidersPacksPlansAndAgents) {
  auto a = get("/api/v1/riders", viewer_);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  ASSERT_EQ(a.body.size(), 4u);
  EXPECT_EQ(a.body[0]["id"], "R-1");
  EXPECT_EQ(a.body[1]["kyc"], "pending");

  a = get("/api/v1/riders?offset=1&limit=2", viewer_);
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(a.body.size(), 2u);
  EXPECT_EQ(a.body[0]["id"], "R-2");
  EXPECT_EQ(a.body[1]["id"], "R-3");
  EXPECT_EQ(get("/api/v1/riders?offset=9", viewer_).body.size(), 0u);

  a = get("/api/v1/packs", viewer_);
  ASSERT_EQ(a.status, 200);
  ASSERT_GE(a.body.size(), 1u);
  a = get("/api/v1/packs/P-9", viewer_);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["model_id"], "60V");
  EXPECT_DOUBLE_EQ(a.body["soh"].get<double>(), 0.93);
  EXPECT_EQ(a.body["cycles"], 120);
  EXPECT_EQ(get("/api/v1/packs/P-404", viewer_).status, 404);

  a = get("/api/v1/plans", viewer_);
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(a.body.size(), 1u);
  EXPECT_EQ(a.body[0]["id"], month_plan().id);
  EXPECT_EQ(a.body[0]["price_minor"], month_plan().price_minor);
  EXPECT_EQ(a.body[0]["currency"], month_plan().currency);

  a = get("/api/v1/agents", viewer_);
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(a.body.size(), 1u);
  EXPECT_EQ(a.body[0]["id"], "A-1");
  EXPECT_EQ(a.body[0]["stations"], json::array({"SN-1"}));
  EXPECT_EQ(a.body[0]["state"], "available");
}

TEST_F(ApiEndpointsTest, BadPagesAre400WithTheField) {
  for (const char* q : {"limit=0", "limit=abc", "limit=10001", "limit=", "offset=-1"}) {
    auto a = get(std::string{"/api/v1/packs?"} + q, viewer_);
    EXPECT_EQ(a.status, 400) << q;
    EXPECT_EQ(a.body["field"], std::string{q}.substr(0, std::string{q}.find('='))) << q;
  }
}

TEST_F(ApiEndpointsTest, OperatorVerifiesAPendingRiderUnderItsCountryPolicy) {
  auto a = post("/api/v1/riders/R-2/verify", operator_);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["kyc"], "verified");
  EXPECT_GT(a.body["audit_id"].get<std::int64_t>(), 0);
  {
    store db{path()};
    EXPECT_EQ(db.rider("R-2")->kyc, kyc_status::verified);
  }
  auto audit = last_audit();
  EXPECT_EQ(audit.action, "rider.verify");
  EXPECT_EQ(audit.target, "R-2");
  EXPECT_EQ(audit.outcome, "ok");
  EXPECT_EQ(audit.token_id, id_of(operator_));

  a = post("/api/v1/riders/R-2/verify", operator_);  // already verified: nothing to approve
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.body["error"], "kyc.not_pending");
  a = post("/api/v1/riders/R-4/verify", operator_);  // no selfie
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.body["error"], "kyc.documents_missing");
  {
    store db{path()};
    EXPECT_EQ(db.rider("R-4")->kyc, kyc_status::pending);
  }
  EXPECT_EQ(post("/api/v1/riders/R-404/verify", operator_).status, 404);
}

TEST_F(ApiEndpointsTest, OperatorRejectsARiderWithAReason) {
  auto a = post("/api/v1/riders/R-3/reject", operator_, "{}");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["field"], "reason");
  a = post("/api/v1/riders/R-3/reject", operator_, R"({"reason": 7})");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["field"], "reason");
  a = post("/api/v1/riders/R-3/reject", operator_, "not json");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["field"], "body");
  a = post("/api/v1/riders/R-3/reject", operator_, R"({"reason": "photo does not match"})");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["kyc"], "rejected");
  store db{path()};
  EXPECT_EQ(db.rider("R-3")->kyc_note, "photo does not match");
}

TEST_F(ApiEndpointsTest, OperatorAssignsThenTheAgentAcknowledges) {
  auto a = get(wo(), viewer_);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["state"], "open");

  a = post(wo("assign"), operator_, R"({"agent_id": "A-1"})");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["state"], "assigned");
  EXPECT_EQ(a.body["agent_id"], "A-1");
  EXPECT_EQ(last_audit().action, "work_order.assign");

  a = post(wo("acknowledge"), operator_);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["state"], "en_route");
  {
    store db{path()};
    auto w = db.find_work_order(work_order_id_);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->state, wo_state::en_route);
    EXPECT_EQ(w->agent_id, "A-1");
    EXPECT_EQ(w->updated_at, now_);
  }
  a = post(wo("acknowledge"), operator_);  // en_route cannot be acknowledged again
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.body["error"], "work_order.bad_transition");
  EXPECT_EQ(last_audit().outcome, "work_order.bad_transition");
}

TEST_F(ApiEndpointsTest, BadWorkOrderRequestsNameTheField) {
  auto a = post(wo("assign"), operator_, "{}");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["field"], "agent_id");
  a = post(wo("assign"), operator_, R"({"agent_id": "A-404"})");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["error"], "agent.unknown");
  EXPECT_EQ(a.body["field"], "agent_id");
  a = post("/api/v1/work-orders/x1/acknowledge", operator_);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["field"], "id");
  EXPECT_EQ(post("/api/v1/work-orders/999/acknowledge", operator_).status, 404);
  EXPECT_EQ(get("/api/v1/work-orders/999", viewer_).status, 404);
  a = post(wo("acknowledge"), operator_);  // open, not assigned: nobody to acknowledge
  EXPECT_EQ(a.status, 409);
  store db{path()};
  EXPECT_EQ(db.find_work_order(work_order_id_)->state, wo_state::open);
}

TEST_F(ApiEndpointsTest, EveryEndpointNeedsAValidToken) {
  const std::vector<std::pair<http::verb, std::string>> all{
      {http::verb::get, "/api/v1/dashboard"},          {http::verb::get, "/api/v1/stations"},
      {http::verb::get, "/api/v1/stations/SN-1"},      {http::verb::get, "/api/v1/riders"},
      {http::verb::get, "/api/v1/riders/R-1"},         {http::verb::get, "/api/v1/packs"},
      {http::verb::get, "/api/v1/packs/P-9"},          {http::verb::get, "/api/v1/plans"},
      {http::verb::get, "/api/v1/deposits"},           {http::verb::get, "/api/v1/agents"},
      {http::verb::get, "/api/v1/work-orders"},        {http::verb::get, wo()},
      {http::verb::get, "/api/v1/alerts"},             {http::verb::post, "/api/v1/stations/SN-2/accept"},
      {http::verb::post, "/api/v1/stations/SN-2/reject"}, {http::verb::post, "/api/v1/stations/SN-1/rename"},
      {http::verb::post, "/api/v1/stations/SN-1/slots/2/disable"},
      {http::verb::post, "/api/v1/stations/SN-1/slots/2/enable"}, {http::verb::post, "/api/v1/riders/R-2/verify"},
      {http::verb::post, "/api/v1/riders/R-2/reject"}, {http::verb::post, wo("assign")},
      {http::verb::post, wo("acknowledge")},           {http::verb::put, "/api/v1/deposits/60V"}};
  for (const auto& [verb, target] : all) {
    EXPECT_EQ(call(verb, target, "").status, 401) << target;
    EXPECT_EQ(call(verb, target, revoked_).status, 401) << target;
    EXPECT_EQ(call(verb, target, "tok_000000000000.nope").status, 401) << target;
  }
  // Nothing changed: no rider verified, no work order moved.
  store db{path()};
  EXPECT_EQ(db.rider("R-2")->kyc, kyc_status::pending);
  EXPECT_EQ(db.find_work_order(work_order_id_)->state, wo_state::open);
}

TEST_F(ApiEndpointsTest, EveryActionRefusesTheViewerRoleAndAuditsTheAttempt) {
  const std::vector<std::pair<std::string, std::string>> actions{
      {"/api/v1/stations/SN-2/accept", "station.accept"},
      {"/api/v1/stations/SN-1/rename", "station.rename"},
      {"/api/v1/stations/SN-1/slots/2/disable", "slot.disable"},
      {"/api/v1/riders/R-2/verify", "rider.verify"},
      {"/api/v1/riders/R-2/reject", "rider.reject"},
      {wo("assign"), "work_order.assign"},
      {wo("acknowledge"), "work_order.acknowledge"}};
  for (const auto& [target, action] : actions) {
    auto a = post(target, viewer_, R"({"name": "x", "agent_id": "A-1", "reason": "x"})");
    EXPECT_EQ(a.status, 403) << target;
    EXPECT_EQ(a.body["need"], "operator") << target;
    auto audit = last_audit();
    EXPECT_EQ(audit.action, action);
    EXPECT_EQ(audit.outcome, "auth.forbidden");
  }
  auto a = call(http::verb::put, "/api/v1/deposits/60V", operator_, R"({"currency": "CNY", "amount_minor": 1})");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body["need"], "admin");
  store db{path()};
  EXPECT_EQ(db.rider("R-2")->kyc, kyc_status::pending);
  EXPECT_EQ(db.find_work_order(work_order_id_)->state, wo_state::open);
}

}  // namespace
}  // namespace swaptwin::adapters::testing
