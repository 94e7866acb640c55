// `swaptwin admin token add|list|revoke` and `swaptwin admin audit`, run as a separate process;
// bearers are checked by opening the database the way the API server will (store::authenticate).

#include <regex>

#include "cli_harness.hpp"

namespace swaptwin::apptest {
namespace {

using TokenCli = cli_test;
using adapters::role;

/// The bearer string `token add` printed, or "" when there is none.
std::string bearer_in(const std::string& out) {
  std::smatch m;
  static const std::regex line{"bearer: (tok_[0-9a-f]{12}\\.[A-Za-z0-9_-]{43})\n"};
  return std::regex_search(out, m, line) ? m[1].str() : std::string{};
}

std::string id_of(const std::string& bearer) { return bearer.substr(0, bearer.find('.')); }

TEST_F(TokenCli, AddPrintsABearerOnceThatAuthenticatesWithItsRole) {
  const auto out = ok({"token", "add", "dispatch desk", "--role", "operator"});
  const auto bearer = bearer_in(out);
  ASSERT_FALSE(bearer.empty()) << out;
  EXPECT_NE(out.find("cannot be shown again"), std::string::npos) << out;
  auto st = store();
  auto who = st.authenticate(bearer);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->id, id_of(bearer));
  EXPECT_EQ(who->name, "dispatch desk");
  EXPECT_EQ(who->granted, role::operator_);
  EXPECT_EQ(twin::format_instant(who->created_at), now_text);

  // --json carries the bearer too (for scripts), and it is another, working token.
  auto j = ok_json({"token", "add", "bi-export", "--role", "viewer"});
  ASSERT_TRUE(j.contains("bearer")) << j.dump();
  auto viewer = st.authenticate(j["bearer"].get<std::string>());
  ASSERT_TRUE(viewer);
  EXPECT_EQ(viewer->granted, role::viewer);
  EXPECT_EQ(j["role"], "viewer");
  EXPECT_NE(j["bearer"].get<std::string>(), bearer);
}

TEST_F(TokenCli, ListShowsTokensButNeverASecret) {
  const auto bearer = bearer_in(ok({"token", "add", "ops lead", "--role", "admin"}));
  ASSERT_FALSE(bearer.empty());
  const auto secret = bearer.substr(bearer.find('.') + 1);
  const auto text = ok({"token", "list"});
  EXPECT_NE(text.find(id_of(bearer)), std::string::npos) << text;
  EXPECT_NE(text.find("ops lead"), std::string::npos) << text;
  EXPECT_NE(text.find("admin"), std::string::npos) << text;
  EXPECT_EQ(text.find(secret), std::string::npos) << text;
  auto j = ok_json({"token", "list"});
  ASSERT_EQ(j.size(), 1u) << j.dump();
  EXPECT_EQ(j[0]["id"], id_of(bearer));
  EXPECT_EQ(j[0]["name"], "ops lead");
  EXPECT_EQ(j[0]["role"], "admin");
  EXPECT_EQ(j[0]["created_at"], now_text);
  EXPECT_TRUE(j[0]["revoked_at"].is_null());
  EXPECT_FALSE(j[0].contains("bearer"));
  EXPECT_EQ(j.dump().find(secret), std::string::npos);
}

TEST_F(TokenCli, RevokeMakesTheBearerFailAndIsShownInTheList) {
  const auto keep = bearer_in(ok({"token", "add", "keep", "--role", "viewer"}));
  const auto gone = bearer_in(ok({"token", "add", "gone", "--role", "operator"}));
  ASSERT_TRUE(store().authenticate(gone));
  const auto out = ok({"token", "revoke", id_of(gone)}, "2026-11-23T11:00:00Z");
  EXPECT_NE(out.find("revoked"), std::string::npos) << out;
  EXPECT_FALSE(store().authenticate(gone));
  EXPECT_TRUE(store().authenticate(keep));
  auto j = ok_json({"token", "list"});
  ASSERT_EQ(j.size(), 2u);
  EXPECT_TRUE(j[0]["revoked_at"].is_null());
  EXPECT_EQ(j[1]["revoked_at"], "2026-11-23T11:00:00Z");
  // Again: nothing to do, said so, the first revocation time kept.
  const auto again = ok({"token", "revoke", id_of(gone)}, "2026-11-23T12:00:00Z");
  EXPECT_NE(again.find("already revoked at 2026-11-23T11:00:00Z"), std::string::npos) << again;
}

TEST_F(TokenCli, RevokingAnUnknownIdIsAnError) {
  auto r = admin({"token", "revoke", "tok_ffffffffffff"});
  EXPECT_ONE_LINE_ERROR(r, "token.unknown");
  EXPECT_NE(r.err.find("tok_ffffffffffff"), std::string::npos) << describe(r);
}

TEST_F(TokenCli, ABadOrMissingRoleIsAUsageErrorNamingTheRoles) {
  auto r = admin({"token", "add", "x", "--role", "root"});
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("viewer, operator, admin"), std::string::npos) << describe(r);
  EXPECT_NE(r.err.find("root"), std::string::npos) << describe(r);
  auto missing = admin({"token", "add", "x"});
  EXPECT_EQ(missing.code, 2) << describe(missing);
  EXPECT_NE(missing.err.find("--role"), std::string::npos) << describe(missing);
  auto blank = admin({"token", "add", "  ", "--role", "admin"});
  EXPECT_ONE_LINE_ERROR(blank, "input.invalid");
  EXPECT_TRUE(store().tokens().empty());
  EXPECT_TRUE(store().audit().empty());
}

TEST_F(TokenCli, AuditListsTokenAddsAndRevokesInOrder) {
  const auto bearer = bearer_in(ok({"token", "add", "  night shift ", "--role", "operator"}, "2026-11-23T08:00:00Z"));
  ASSERT_FALSE(bearer.empty());
  const auto id = id_of(bearer);
  ok({"token", "revoke", id}, "2026-11-23T09:00:00Z");
  ASSERT_EQ(admin({"token", "revoke", "tok_000000000000"}, "2026-11-23T09:30:00Z").code, 1);

  auto j = ok_json({"audit"});
  ASSERT_EQ(j.size(), 3u) << j.dump(2);
  EXPECT_EQ(j[0]["at"], "2026-11-23T08:00:00Z");
  EXPECT_EQ(j[0]["token_id"], "cli");
  EXPECT_EQ(j[0]["role"], "admin");
  EXPECT_EQ(j[0]["action"], "token.add");
  EXPECT_EQ(j[0]["target"], id);
  EXPECT_EQ(j[0]["detail"]["name"], "night shift");
  EXPECT_EQ(j[0]["detail"]["role"], "operator");
  EXPECT_EQ(j[0]["outcome"], "ok");
  EXPECT_EQ(j[1]["action"], "token.revoke");
  EXPECT_EQ(j[1]["target"], id);
  EXPECT_EQ(j[1]["at"], "2026-11-23T09:00:00Z");
  EXPECT_EQ(j[1]["outcome"], "ok");
  EXPECT_EQ(j[2]["target"], "tok_000000000000");
  EXPECT_EQ(j[2]["outcome"], "token.unknown");
  EXPECT_EQ(j.dump().find(bearer.substr(bearer.find('.') + 1)), std::string::npos);  // no secret in the trail

  auto since = ok_json({"audit", "--since", "2026-11-23T08:30:00Z", "--limit", "1"});
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0]["action"], "token.revoke");
  const auto text = ok({"audit"});
  EXPECT_NE(text.find("token.add"), std::string::npos) << text;
  EXPECT_NE(text.find("token.revoke"), std::string::npos) << text;

  auto bad = admin({"audit", "--since", "yesterday"});
  EXPECT_EQ(bad.code, 2) << describe(bad);
  EXPECT_NE(bad.err.find("--since"), std::string::npos) << describe(bad);
}

}  // namespace
}  // namespace swaptwin::apptest
