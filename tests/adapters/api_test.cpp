// The operator API over real sockets on 127.0.0.1 (api_fixture.hpp): authentication, the first
// reads and actions, limits and connections.
#include "api_fixture.hpp"

namespace swaptwin::adapters::testing {
namespace {

TEST_F(ApiTest, ReadsNeedAValidToken) {
  auto a = get("/api/v1/stations", "");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.body["error"], "auth.required");
  EXPECT_EQ(a.www_authenticate, "Bearer");
  a = get("/api/v1/stations", "tok_000000000000.nope");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.body["error"], "auth.invalid");
  EXPECT_EQ(a.www_authenticate, "Bearer");
  EXPECT_EQ(get("/api/v1/stations", revoked_).status, 401);
  EXPECT_EQ(call(http::verb::get, "/api/v1/stations", "", {}, "Basic dXNlcjpwYXNz").status, 401);
  EXPECT_EQ(get("/api/v1/stations/SN-1/rename", viewer_).status, 405);
}

TEST_F(ApiTest, ViewerReadsDashboardStationsAndDetail) {
  auto a = get("/api/v1/dashboard", viewer_);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["timezone"], "Africa/Nairobi");
  EXPECT_EQ(a.body["day"], "2026-11-23");
  a = get("/api/v1/stations", viewer_);
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(a.body.size(), 2u);
  EXPECT_EQ(a.body[0]["sn"], "SN-1");
  EXPECT_EQ(a.body[0]["name"], "Depot");
  a = get("/api/v1/stations/SN-1", viewer_);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["slot_list"].size(), 4u);
  EXPECT_EQ(a.body["stale"], false);
  a = get("/api/v1/stations/SN-9", viewer_);
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body["error"], "station.unknown");
  EXPECT_EQ(get("/api/v1/stations/SN-2", viewer_).body["stale"], true);
  a = get("/api/v1/work-orders?open=1", viewer_);
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(a.body.size(), 1u);
  EXPECT_EQ(a.body[0]["station_sn"], "SN-2");
  EXPECT_EQ(get("/api/v1/alerts", viewer_).body, a.body);
  a = get("/api/v1/riders/R-1", viewer_);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["kyc"], "verified");
  EXPECT_EQ(get("/api/v1/deposits", viewer_).status, 200);
  a = get("/api/v1/riders/R-404", viewer_);
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body["error"], "rider.unknown");
  a = get("/api/v1/nothing", viewer_);
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body["error"], "route.unknown");
  a = call(http::verb::delete_, "/api/v1/stations", viewer_);
  EXPECT_EQ(a.status, 405);
  EXPECT_EQ(a.allow, "GET");
}

TEST_F(ApiTest, OperatorRenamesAndTheRenameIsAudited) {
  auto a = post("/api/v1/stations/SN-1/rename", operator_, R"({"name":"  Central  "})");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["name"], "Central");
  EXPECT_EQ(store{path()}.station("SN-1")->name(), "Central");
  auto e = last_audit();
  EXPECT_EQ(e.token_id, id_of(operator_));
  EXPECT_EQ(e.role, "operator");
  EXPECT_EQ(e.action, "station.rename");
  EXPECT_EQ(e.target, "SN-1");
  EXPECT_EQ(e.outcome, "ok");
  EXPECT_EQ(json::parse(e.detail)["name"], "  Central  ");
  EXPECT_EQ(e.at, now_);
}

TEST_F(ApiTest, BadBodiesAre400WithTheField) {
  struct bad_case {
    std::string body, error, field;
  };
  for (const auto& c : {bad_case{"not json", "input.invalid", "body"}, bad_case{"[1]", "input.invalid", "body"},
                        bad_case{"{}", "input.invalid", "name"}, bad_case{R"({"name":7})", "input.invalid", "name"},
                        bad_case{R"({"name":"   "})", "station.name_empty", "name"}}) {
    auto a = post("/api/v1/stations/SN-1/rename", operator_, c.body);
    EXPECT_EQ(a.status, 400) << c.body;
    EXPECT_EQ(a.body["error"], c.error) << c.body;
    EXPECT_EQ(a.body["field"], c.field) << c.body;
    EXPECT_EQ(last_audit().outcome, c.error) << c.body;
  }
  EXPECT_EQ(store{path()}.station("SN-1")->name(), "Depot");
  auto a = post("/api/v1/stations/SN-9/rename", operator_, R"({"name":"X"})");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body["error"], "station.unknown");
  EXPECT_EQ(last_audit().outcome, "station.unknown");
}

TEST_F(ApiTest, RolesAreEnforcedAndRefusalsAudited) {
  auto a = post("/api/v1/stations/SN-1/rename", viewer_, R"({"name":"Mine"})");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body["error"], "auth.forbidden");
  EXPECT_EQ(a.body["need"], "operator");
  auto e = last_audit();
  EXPECT_EQ(e.token_id, id_of(viewer_));
  EXPECT_EQ(e.action, "station.rename");
  EXPECT_EQ(e.outcome, "auth.forbidden");
  EXPECT_EQ(store{path()}.station("SN-1")->name(), "Depot");

  a = call(http::verb::put, "/api/v1/deposits/60V", operator_, R"({"currency":"KES","amount_minor":400000})");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body["need"], "admin");
  EXPECT_EQ(last_audit().outcome, "auth.forbidden");
  EXPECT_EQ(last_audit().action, "deposit.set");
  EXPECT_EQ(post("/api/v1/stations/SN-1/accept", viewer_).status, 403);
  EXPECT_EQ(post("/api/v1/stations/SN-1/slots/2/disable", viewer_).status, 403);
}

TEST_F(ApiTest, AdminSetsADeposit) {
  auto a = call(http::verb::put, "/api/v1/deposits/60V", admin_, R"({"currency":"KES","amount_minor":400000})");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  auto d = store{path()}.deposit("60V", "KES");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->minor, 400000);
  EXPECT_EQ(last_audit().action, "deposit.set");
  EXPECT_EQ(last_audit().token_id, id_of(admin_));
  EXPECT_EQ(last_audit().outcome, "ok");
  a = call(http::verb::put, "/api/v1/deposits/60V", admin_, R"({"currency":"KES","amount_minor":"400000"})");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["field"], "amount_minor");
  a = call(http::verb::put, "/api/v1/deposits/60V", admin_, R"({"amount_minor":1})");
  EXPECT_EQ(a.body["field"], "currency");
  a = call(http::verb::put, "/api/v1/deposits/NOPE", admin_, R"({"currency":"KES","amount_minor":1})");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body["error"], "model.unknown");
}

TEST_F(ApiTest, OperatorAcceptsRejectsAndDisablesSlots) {
  ASSERT_EQ(post("/api/v1/stations/SN-1/reject", operator_).status, 200);
  EXPECT_EQ(store{path()}.station("SN-1")->reg, registration::rejected);
  EXPECT_EQ(last_audit().action, "station.reject");
  ASSERT_EQ(post("/api/v1/stations/SN-1/accept", operator_).status, 200);
  EXPECT_EQ(store{path()}.station("SN-1")->reg, registration::accepted);
  EXPECT_EQ(post("/api/v1/stations/SN-9/accept", operator_).status, 404);

  auto a = post("/api/v1/stations/SN-1/slots/2/disable", operator_);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_TRUE(slot_disabled(*store{path()}.station("SN-1"), 2));
  EXPECT_EQ(last_audit().action, "slot.disable");
  EXPECT_EQ(last_audit().target, "SN-1/2");
  ASSERT_EQ(post("/api/v1/stations/SN-1/slots/2/enable", operator_).status, 200);
  EXPECT_FALSE(slot_disabled(*store{path()}.station("SN-1"), 2));
  a = post("/api/v1/stations/SN-1/slots/9/disable", operator_);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["error"], "input.invalid");
  EXPECT_EQ(a.body["field"], "slot");
  EXPECT_EQ(last_audit().outcome, "input.invalid");
  EXPECT_EQ(post("/api/v1/stations/SN-1/slots/x/disable", operator_).body["field"], "slot");
}

TEST_F(ApiTest, OversizeBodyIs413) {
  auto a = post("/api/v1/stations/SN-1/rename", operator_, std::string(70 * 1024, 'x'));
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(a.body["error"], "input.too_large");
  EXPECT_EQ(store{path()}.station("SN-1")->name(), "Depot");
}

TEST_F(ApiTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  stream.expires_after(std::chrono::seconds(5));
  stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), server_->port()});
  beast::flat_buffer buf;
  for (int i = 0; i < 3; ++i) {
    http::request<http::string_body> req{http::verb::get, "/api/v1/stations", 11};
    req.set(http::field::authorization, "Bearer " + viewer_);
    req.keep_alive(true);
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    EXPECT_EQ(res.result_int(), 200);
  }
}

TEST_F(ApiTest, StopsWithAnIdleConnectionOpen) {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), server_->port()});
  server_->stop();
  server_->stop();
}

}  // namespace
}  // namespace swaptwin::adapters::testing
