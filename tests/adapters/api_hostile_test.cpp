// The operator API under hostile input, over real sockets on 127.0.0.1 (api_fixture.hpp): each
// limit's answer (413, 414, 431, 400), deep JSON, percent-decoded paths and queries, the Bearer
// scheme in any case, audited refusals, 500s that show no internals, a token revoked on a kept-alive
// connection, and the socket-free entry point answering as the server does.
#include <sqlite3.h>

#include "adapters/api_request.hpp"
#include "adapters/store_check.hpp"
#include "api_fixture.hpp"

namespace swaptwin::adapters::testing {
namespace {

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

class ApiHostileTest : public ApiTest {
 protected:
  // Whatever a hostile request did, the back office's invariants hold afterwards (admin check).
  // The fixture's stations share hand-made packs that are not in the pack register (api_fixture.hpp),
  // so the pack invariants are left to the tests that build a consistent register; the API moves no
  // pack, and every money, ledger and integrity invariant is checked here.
  void TearDown() override {
    if (!fs::exists(path())) return ApiTest::TearDown();
    {
      store db{path()};
      for (const auto& v : check_invariants(db).violations)
        if (v.invariant.rfind("pack.", 0) != 0 && v.invariant.rfind("slot.", 0) != 0)
          ADD_FAILURE() << "admin check: " << v.invariant << ": " << v.subject << ": " << v.detail;
    }
    ApiTest::TearDown();
  }
  // A request's bytes: request line, Host, the given extra header lines, Content-Length and body.
  static std::string request(const std::string& method, const std::string& target, const std::string& bearer,
                             const std::string& body = {}, const std::string& extra = {}) {
    std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!bearer.empty()) r += "Authorization: Bearer " + bearer + "\r\n";
    r += extra;
    if (!body.empty() || method != "GET") r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    return r + "\r\n" + body;
  }

  std::size_t audit_rows() { return store{path()}.audit(std::nullopt, 100000).size(); }

  // Plants a failure of every audit write, as a full disk or a broken schema would cause.
  void break_audit() {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TRIGGER planted_failure BEFORE INSERT ON audit "
                               "BEGIN SELECT RAISE(ABORT, 'planted audit failure'); END;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
};

TEST_F(ApiHostileTest, AnOversizeBodyIs413AndTheAttemptIsAudited) {
  auto a = raw(request("POST", "/api/v1/stations/SN-1/rename", operator_, std::string(65 * 1024, 'x')));
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(a.body["error"], "input.too_large");
  EXPECT_EQ(a.body["message"], "the body exceeds 65536 bytes");
  EXPECT_EQ(a.connection, "close");
  EXPECT_TRUE(a.closed);
  auto e = last_audit();
  EXPECT_EQ(e.action, "station.rename");
  EXPECT_EQ(e.token_id, id_of(operator_));
  EXPECT_EQ(e.outcome, "input.too_large");
  EXPECT_TRUE(json::accept(e.detail));
  // A declared length over the limit is refused from the header, before any body byte.
  a = raw("PUT /api/v1/deposits/60V HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_ +
          "\r\nContent-Length: 999999999\r\n\r\n");
  EXPECT_EQ(a.status, 413);
  EXPECT_EQ(last_audit().action, "deposit.set");
  EXPECT_EQ(last_audit().outcome, "input.too_large");
  EXPECT_EQ(store{path()}.station("SN-1")->name(), "Depot");
}

TEST_F(ApiHostileTest, AHeaderBlockOverTheLimitIs431) {
  auto a = raw(request("GET", "/api/v1/stations", viewer_, {}, "X-Filler: " + std::string(17 * 1024, 'a') + "\r\n"));
  EXPECT_EQ(a.status, 431);
  EXPECT_EQ(a.body["error"], "input.header_too_large");
  EXPECT_EQ(a.body["message"],
            "the request line and header fields exceed 16384 bytes; send fewer or shorter header fields");
  EXPECT_TRUE(a.closed);
  // Many small fields count together.
  std::string many;
  for (int i = 0; i < 400; ++i) many += "X-F" + std::to_string(i) + ": " + std::string(40, 'b') + "\r\n";
  EXPECT_EQ(raw(request("GET", "/api/v1/stations", viewer_, {}, many)).status, 431);
  // Just under the limit is served.
  EXPECT_EQ(raw(request("GET", "/api/v1/stations", viewer_, {}, "X-Filler: " + std::string(15 * 1024, 'a') + "\r\n")).status,
            200);
}

TEST_F(ApiHostileTest, ARequestTargetOverTheLimitIs414EvenWhenLongerThanTheHeaderLimit) {
  for (std::size_t n : {std::size_t{9 * 1024}, std::size_t{40 * 1024}}) {
    auto a = raw(request("GET", "/api/v1/riders?x=" + std::string(n, 'q'), viewer_));
    EXPECT_EQ(a.status, 414) << n;
    EXPECT_EQ(a.body["error"], "input.target_too_long") << n;
    EXPECT_EQ(a.body["message"], "the request target exceeds 8192 bytes; ask for less in one request");
    EXPECT_TRUE(a.closed);
  }
  EXPECT_EQ(raw(request("GET", "/api/v1/riders?x=" + std::string(8000, 'q'), viewer_)).status, 200);
}

TEST_F(ApiHostileTest, MalformedRequestsAre400AndClosed) {
  const std::string not_http[] = {
      "HELLO\r\n\r\n",
      "GET /api/v1/stations HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET /api/v1/stations HTTP/1.1\r\nNo colon here\r\n\r\n",
      "GET /api/v1/stations HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
      std::string(40, 'G') + " / HTTP/1.1\r\n\r\n",
      "GET api/v1/stations HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  for (const auto& bytes : not_http) {
    auto a = raw(bytes);
    EXPECT_EQ(a.status, 400) << bytes;
    EXPECT_EQ(a.body["error"], "input.malformed") << bytes;
    EXPECT_TRUE(a.closed) << bytes;
  }
  // Cut short: the peer's end comes before the declared body.
  auto a = raw("POST /api/v1/stations/SN-1/rename HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n{\"na", true);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["error"], "input.malformed");
  EXPECT_EQ(a.body["message"],
            "the request ended before it was complete (its header or the declared body was cut short)");
  EXPECT_EQ(store{path()}.station("SN-1")->name(), "Depot");
}

// Boost.Beast 1.74 aborts the process on a last chunk split across reads (the fuzz finding in
// tests/fuzz/crashes/api_request): a chunked body is refused at its header, before any chunk is
// parsed, and the server goes on answering.
TEST_F(ApiHostileTest, AChunkedBodyIs411AtItsHeaderAndTheServerLives) {
  auto a = raw("POST /api/v1/stations/SN-1/rename HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
  EXPECT_EQ(a.status, 411);
  EXPECT_EQ(raw("POST /api/v1/stations/SN-1/accept HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").status, 411);
  EXPECT_EQ(a.body["error"], "input.chunked");
  EXPECT_TRUE(a.closed);
  EXPECT_EQ(get("/api/v1/stations", viewer_).status, 200);
}

TEST_F(ApiHostileTest, JsonNestedTooDeepIs400NamingTheBodyAndAudited) {
  const auto before = audit_rows();
  // The tester's case: 2,000 deep from a viewer was a 500 showing the INSERT and no audit row.
  auto a = post("/api/v1/stations/SN-1/rename", viewer_, nested(2000));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body["error"], "auth.forbidden");
  EXPECT_EQ(audit_rows(), before + 1);
  auto e = last_audit();
  EXPECT_EQ(e.outcome, "auth.forbidden");
  auto detail = json::parse(e.detail);
  EXPECT_EQ(detail["body_error"], "nested deeper than 32 levels");
  EXPECT_EQ(detail["body_bytes"], 4000);
  EXPECT_EQ(detail["body_sha256"].get<std::string>().size(), 64u);

  a = post("/api/v1/stations/SN-1/rename", operator_, nested(2000));
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["error"], "input.invalid");
  EXPECT_EQ(a.body["field"], "body");
  EXPECT_EQ(a.body["message"], "the body nests arrays and objects deeper than 32 levels");
  EXPECT_EQ(last_audit().outcome, "input.invalid");
  EXPECT_EQ(json::parse(last_audit().detail)["body_error"], "nested deeper than 32 levels");
  // The limit itself: 32 levels (the object counts) are parsed, 33 are not. Brackets inside a
  // string do not count.
  a = post("/api/v1/stations/SN-1/rename", operator_, "{\"name\":" + nested(31) + "}");
  EXPECT_EQ(a.body["field"], "name");
  a = post("/api/v1/stations/SN-1/rename", operator_, "{\"name\":" + nested(32) + "}");
  EXPECT_EQ(a.body["field"], "body");
  a = post("/api/v1/stations/SN-1/rename", operator_, "{\"name\":\"" + std::string(50, '[') + "\"}");
  EXPECT_EQ(a.status, 200) << a.body.dump();
}

TEST_F(ApiHostileTest, PathSegmentsArePercentDecoded) {
  {
    store db{path()};
    ASSERT_DONE(db.add_rider(cn_rider("R-张三", now_)));
    ASSERT_DONE(db.add_rider(cn_rider("R-a/b", now_)));
  }
  auto a = get("/api/v1/riders/R-%E5%BC%A0%E4%B8%89", viewer_);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["id"], "R-张三");
  EXPECT_EQ(get("/api/v1/riders/R-\xE5\xBC\xA0\xE4\xB8\x89", viewer_).body["id"], "R-张三");  // raw UTF-8 too
  a = get("/api/v1/riders/R-a%2Fb", viewer_);  // %2F stays inside its segment
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["id"], "R-a/b");
  EXPECT_EQ(get("/api/v1/riders/R-a/b", viewer_).body["error"], "route.unknown");
  a = get("/api/v1/riders/R-%E5%BC%A0", viewer_);
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body["message"], "rider R-张 is not known");
  // An action's audit names the decoded target.
  a = post("/api/v1/riders/R-%E5%BC%A0%E4%B8%89/reject", operator_, R"({"reason":"blurred"})");
  EXPECT_EQ(a.status, 409) << a.body.dump();  // already verified
  EXPECT_EQ(last_audit().target, "R-张三");
}

TEST_F(ApiHostileTest, MalformedEscapesAre400) {
  struct bad_case {
    std::string target, field, message;
  };
  for (const auto& c : {
           bad_case{"/api/v1/riders/R-%zz", "path",
                    "the path segment \"R-%zz\" has a malformed percent escape: write a byte as % and two hex digits (%2F for /)"},
           bad_case{"/api/v1/riders/R-%", "path", ""},
           bad_case{"/api/v1/riders/R-%4", "path", ""},
           bad_case{"/api/v1/riders/%FF", "path", "the path segment \"%FF\" is not UTF-8 once percent-decoded"},
           bad_case{"/api/v1/riders/R-%00", "path", "the path segment \"R-%00\" holds a control character"},
           bad_case{"/api/v1/riders?limit=%zz", "query",
                    "the query part \"limit=%zz\" has a malformed percent escape: write a byte as % and two hex digits"},
           bad_case{"/api/v1/riders?x=%C3", "query", "the query part \"x=%C3\" is not UTF-8 once percent-decoded"},
       }) {
    auto a = get(c.target, viewer_);
    EXPECT_EQ(a.status, 400) << c.target;
    EXPECT_EQ(a.body["error"], "input.invalid") << c.target;
    EXPECT_EQ(a.body["field"], c.field) << c.target;
    if (!c.message.empty()) {
      EXPECT_EQ(a.body["message"], c.message);
    }
  }
  // Query values are decoded: limit=%31 is limit=1.
  {
    store db{path()};
    ASSERT_DONE(db.add_rider(cn_rider("R-2", now_)));
  }
  auto a = get("/api/v1/riders?limit=%31", viewer_);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body.size(), 1u);
  // Without a valid token the path is not even looked at.
  EXPECT_EQ(get("/api/v1/riders/R-%zz", "").status, 401);
}

TEST_F(ApiHostileTest, TheBearerSchemeIsCaseInsensitive) {
  for (const auto& auth : {"bearer " + viewer_, "BEARER " + viewer_, "Bearer   " + viewer_, "bEaReR\t" + viewer_}) {
    auto a = call(http::verb::get, "/api/v1/stations", "", {}, auth);
    EXPECT_EQ(a.status, 200) << auth;
  }
  for (const auto& auth : {"Basic " + viewer_, "Bearer" + viewer_, std::string{"Bearer"}, "Token " + viewer_}) {
    auto a = call(http::verb::get, "/api/v1/stations", "", {}, auth);
    EXPECT_EQ(a.status, 401) << auth;
    EXPECT_EQ(a.body["error"], "auth.invalid") << auth;
    EXPECT_EQ(a.www_authenticate, "Bearer");
  }
  EXPECT_EQ(call(http::verb::get, "/api/v1/stations", "", {}, "Basic dXNlcjpwYXNz").body["message"],
            "use the Bearer scheme: Authorization: Bearer <token id>.<secret>");
}

TEST_F(ApiHostileTest, RefusedAttemptsAreAuditedUnderTheTokenTheyName) {
  auto before = audit_rows();
  // A revoked token (its id exists): audited under its id, with no role.
  auto a = post("/api/v1/stations/SN-1/rename", revoked_, R"({"name":"Mine"})");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(audit_rows(), before + 1);
  auto e = last_audit();
  EXPECT_EQ(e.token_id, id_of(revoked_));
  EXPECT_EQ(e.role, "");
  EXPECT_EQ(e.action, "station.rename");
  EXPECT_EQ(e.target, "SN-1");
  EXPECT_EQ(e.outcome, "auth.invalid");
  EXPECT_EQ(json::parse(e.detail)["body_bytes"], 15);
  // A known id with a wrong secret too.
  const auto forged = id_of(operator_) + "." + std::string(43, 'A');
  EXPECT_EQ(post("/api/v1/stations/SN-1/accept", forged).status, 401);
  EXPECT_EQ(last_audit().token_id, id_of(operator_));
  EXPECT_EQ(last_audit().outcome, "auth.invalid");
  // An id no token has, and reads, leave no row.
  before = audit_rows();
  EXPECT_EQ(post("/api/v1/stations/SN-1/accept", "tok_000000000000." + std::string(43, 'A')).status, 401);
  EXPECT_EQ(get("/api/v1/stations", revoked_).status, 401);
  EXPECT_EQ(audit_rows(), before);
  // 404 and 409 on actions, 405 on an action's path.
  EXPECT_EQ(post("/api/v1/riders/R-404/verify", operator_).status, 404);
  EXPECT_EQ(last_audit().outcome, "rider.unknown");
  EXPECT_EQ(post("/api/v1/riders/R-1/verify", operator_).status, 409);
  EXPECT_EQ(last_audit().outcome, "kyc.not_pending");
  EXPECT_EQ(get("/api/v1/stations/SN-1/accept", operator_).status, 405);
  EXPECT_EQ(last_audit().outcome, "method.not_allowed");
  EXPECT_EQ(last_audit().action, "station.accept");
}

TEST_F(ApiHostileTest, A500ShowsAnErrorIdAndNoInternals) {
  break_audit();
  auto a = post("/api/v1/stations/SN-1/rename", operator_, R"({"name":"Central"})");
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body["error"], "internal");
  const auto id = a.body["error_id"].get<std::string>();
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(a.body["message"], "internal error; quote error id " + id + " to the operator");
  EXPECT_EQ(a.body.size(), 3u);
  for (const char* secret : {"INSERT", "audit", "SQL", "planted", "sqlite"})
    EXPECT_EQ(a.body.dump().find(secret), std::string::npos) << secret;
  // The action went with its audit row: not applied.
  EXPECT_EQ(store{path()}.station("SN-1")->name(), "Depot");
  // The log has the detail under the same id.
  bool logged = false;
  for (const auto& line : log_lines())
    logged = logged || (line.find(id) != std::string::npos && line.find("planted audit failure") != std::string::npos);
  EXPECT_TRUE(logged);
  // A refusal stays the answer when its audit row cannot be written (the loss is logged).
  a = post("/api/v1/stations/SN-1/rename", viewer_, R"({"name":"Mine"})");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body["error"], "auth.forbidden");
  a = post("/api/v1/stations/SN-1/rename", operator_, "[]");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["field"], "body");
  EXPECT_NE(log_lines().back().find("not written"), std::string::npos) << log_lines().back();
}

TEST_F(ApiHostileTest, ATokenRevokedWhileItsConnectionIsKeptAliveIsRefusedOnItsNextRequest) {
  std::string bearer, id;
  {
    store db{path()};
    auto t = *db.add_token("kiosk", role::viewer, now_);
    bearer = t.bearer();
    id = t.id;
  }
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  stream.expires_after(std::chrono::seconds(5));
  stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), server_->port()});
  beast::flat_buffer buf;
  auto once = [&] {
    http::request<http::string_body> req{http::verb::get, "/api/v1/stations", 11};
    req.set(http::field::authorization, "Bearer " + bearer);
    req.keep_alive(true);
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return res;
  };
  EXPECT_EQ(once().result_int(), 200);
  EXPECT_EQ(store{path()}.revoke_token(id, now_), revoke_outcome::revoked);  // as `admin token revoke` does
  auto res = once();
  EXPECT_EQ(res.result_int(), 401);
  EXPECT_EQ(json::parse(res.body())["error"], "auth.invalid");
}

TEST_F(ApiHostileTest, PipelinedRequestsAreAnsweredInOrder) {
  const auto two = request("GET", "/api/v1/stations/SN-1", viewer_) + request("GET", "/api/v1/stations/SN-2", viewer_);
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  stream.expires_after(std::chrono::seconds(5));
  stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), server_->port()});
  net::write(stream, net::buffer(two));
  beast::flat_buffer buf;
  for (const char* sn : {"SN-1", "SN-2"}) {
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(json::parse(res.body())["sn"], sn);
  }
}

// The fuzz target's entry point takes the server's decisions: same status and code for each case.
TEST_F(ApiHostileTest, TheSocketFreeEntryPointAnswersAsTheServerDoes) {
  const std::vector<std::string> cases = {
      request("GET", "/api/v1/stations", viewer_),
      request("GET", "/api/v1/stations", ""),
      request("POST", "/api/v1/stations/SN-1/rename", operator_, std::string(65 * 1024, 'x')),
      request("GET", "/api/v1/stations", viewer_, {}, "X-Filler: " + std::string(17 * 1024, 'a') + "\r\n"),
      request("GET", "/api/v1/riders?x=" + std::string(9000, 'q'), viewer_),
      "GET /api/v1/stations HTTP/1.1\r\nNo colon\r\n\r\n",
      request("POST", "/api/v1/stations/SN-1/rename", operator_, nested(2000)),
      request("GET", "/api/v1/riders/R-%zz", viewer_),
      request("GET", "/api/v1/feed", viewer_),
  };
  store db{path()};
  for (const auto& bytes : cases) {
    const auto direct = handle_raw_api_request(db, bytes, now_);
    const auto wire = raw(bytes);
    const auto body = json::parse(direct.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << direct.body;
    if (bytes.find("/api/v1/feed") != std::string::npos) {  // no feed here, none on the fixture's server
      EXPECT_EQ(direct.status, 404);
      continue;
    }
    EXPECT_EQ(direct.status, wire.status) << bytes.substr(0, 80);
    EXPECT_EQ(body.is_object() ? body["error"] : json{}, wire.body.is_object() ? wire.body["error"] : json{})
        << bytes.substr(0, 80);
    EXPECT_EQ(direct.close, wire.closed) << bytes.substr(0, 80);
  }
  // Cut short and empty input answer too (the server answers the first on EOF, closes on the second).
  EXPECT_EQ(handle_raw_api_request(db, "POST /x HTTP/1.1\r\nContent-Length: 9\r\n\r\nab", now_).status, 400);
  EXPECT_EQ(handle_raw_api_request(db, "", now_).status, 400);
  EXPECT_EQ(handle_raw_api_request(db, "GET /api/v1/stations HTTP/1.1\r\nHost: x", now_).status, 400);
}

}  // namespace
}  // namespace swaptwin::adapters::testing
