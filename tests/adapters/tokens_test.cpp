// API tokens and the audit trail in the store (migration 7): issuing, authenticating, refusing,
// revoking, listing without secrets, and audit entries read back in order.

#include <gtest/gtest.h>

#include "fixtures.hpp"

using namespace swaptwin::adapters;
using namespace swaptwin::adapters::testing;

namespace {

using TokensTest = StoreTest;

issued_token issue(store& s, const std::string& name, role r, const char* when = "2026-11-23T10:00:00Z") {
  auto t = s.add_token(name, r, at(when));
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.err().what());
  return t.ok() ? t.value() : issued_token{};
}

TEST(Roles, AllowTheirOwnLevelAndBelowOnly) {
  const role all[] = {role::viewer, role::operator_, role::admin};
  // have \ need:          viewer operator admin
  const bool expected[3][3] = {{true, false, false},   // viewer
                               {true, true, false},    // operator
                               {true, true, true}};    // admin
  for (int h = 0; h < 3; ++h)
    for (int n = 0; n < 3; ++n)
      EXPECT_EQ(role_allows(all[h], all[n]), expected[h][n]) << to_string(all[h]) << " needs " << to_string(all[n]);
}

TEST(Roles, SpellingsRoundTripAndOthersAreRefused) {
  for (auto r : {role::viewer, role::operator_, role::admin}) EXPECT_EQ(parse_role(to_string(r)), r);
  EXPECT_EQ(to_string(role::operator_), "operator");
  for (const char* bad : {"", "Admin", "root", "operator_", " viewer"}) EXPECT_FALSE(parse_role(bad)) << bad;
}

TEST_F(TokensTest, AnIssuedBearerAuthenticatesWithItsRole) {
  store s{path()};
  auto op = issue(s, "  dispatch desk ", role::operator_);
  auto ad = issue(s, "ops lead", role::admin);
  EXPECT_EQ(op.id.rfind("tok_", 0), 0u);
  EXPECT_EQ(op.id.size(), 16u);
  EXPECT_EQ(op.secret.size(), 43u);
  EXPECT_NE(op.id, ad.id);
  EXPECT_NE(op.secret, ad.secret);
  EXPECT_EQ(op.bearer(), op.id + "." + op.secret);

  auto who = s.authenticate(op.bearer());
  ASSERT_TRUE(who);
  EXPECT_EQ(who->id, op.id);
  EXPECT_EQ(who->name, "dispatch desk");  // trimmed
  EXPECT_EQ(who->granted, role::operator_);
  EXPECT_FALSE(who->revoked_at);
  auto boss = s.authenticate(ad.bearer());
  ASSERT_TRUE(boss);
  EXPECT_EQ(boss->granted, role::admin);

  // Another connection (another process) sees the same token.
  store other{path()};
  EXPECT_TRUE(other.authenticate(op.bearer()));
}

TEST_F(TokensTest, WrongMalformedUnknownAndSwappedBearersAreRefused) {
  store s{path()};
  auto a = issue(s, "a", role::viewer);
  auto b = issue(s, "b", role::admin);
  std::string wrong = a.secret;
  wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(s.authenticate(a.id + "." + wrong));
  EXPECT_FALSE(s.authenticate(a.id + "." + b.secret));  // another token's secret
  EXPECT_FALSE(s.authenticate("tok_000000000000." + a.secret));  // unknown id
  for (const std::string& bad : {std::string{}, std::string{"."}, a.id, a.id + ".", "." + a.secret, a.secret,
                                 a.id + "." + a.secret + "x", a.id + "." + a.secret.substr(1),
                                 a.id + "." + a.secret.substr(0, 42) + "=", a.id + "x." + a.secret,
                                 "Bearer " + a.bearer(), a.bearer() + "\n"})
    EXPECT_FALSE(s.authenticate(bad)) << '"' << bad << '"';
  EXPECT_TRUE(s.authenticate(a.bearer()));  // the refusals above did not disturb it
}

TEST_F(TokensTest, ARevokedTokenIsRefusedAndKeepsItsRevocationTime) {
  store s{path()};
  auto a = issue(s, "a", role::operator_);
  auto b = issue(s, "b", role::operator_);
  EXPECT_EQ(s.revoke_token(a.id, at("2026-11-23T11:00:00Z")), revoke_outcome::revoked);
  EXPECT_FALSE(s.authenticate(a.bearer()));
  EXPECT_TRUE(s.authenticate(b.bearer()));  // only that one
  EXPECT_EQ(s.revoke_token(a.id, at("2026-11-23T12:00:00Z")), revoke_outcome::already_revoked);
  EXPECT_EQ(s.revoke_token("tok_ffffffffffff", at("2026-11-23T12:00:00Z")), revoke_outcome::unknown);
  auto t = s.token(a.id);
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->revoked_at);
  EXPECT_EQ(*t->revoked_at, at("2026-11-23T11:00:00Z"));
  EXPECT_FALSE(s.token("tok_ffffffffffff"));
}

TEST_F(TokensTest, ListingShowsEveryTokenAndNoSecret) {
  store s{path()};
  auto a = issue(s, "first", role::viewer, "2026-11-23T09:00:00Z");
  auto b = issue(s, "second", role::admin, "2026-11-23T10:00:00Z");
  ASSERT_EQ(s.revoke_token(a.id, at("2026-11-23T10:30:00Z")), revoke_outcome::revoked);
  auto all = s.tokens();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a.id);
  EXPECT_EQ(all[0].name, "first");
  EXPECT_EQ(all[0].granted, role::viewer);
  EXPECT_EQ(all[0].created_at, at("2026-11-23T09:00:00Z"));
  EXPECT_TRUE(all[0].revoked_at);
  EXPECT_EQ(all[1].id, b.id);
  EXPECT_EQ(all[1].granted, role::admin);
  EXPECT_FALSE(all[1].revoked_at);
  // The database itself holds only hashes: no column of any row contains a secret.
  for (const auto& secret : {a.secret, b.secret}) {
    auto q = s.db().prepare("SELECT count(*) FROM api_tokens WHERE id || name || role || secret_hash LIKE ?");
    q->bind(1, "%" + secret + "%");
    ASSERT_TRUE(q->step());
    EXPECT_EQ(q->int64(0), 0);
  }
  EXPECT_EQ(text_of(s.db(), "SELECT substr(secret_hash, 1, 7) FROM api_tokens LIMIT 1"), "sha256$");
}

TEST_F(TokensTest, BlankNamesAreRefusedAndTheDatabaseRejectsBadRoles) {
  store s{path()};
  auto t = s.add_token("   ", role::admin, at("2026-11-23T10:00:00Z"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.err().code, swaptwin::twin::errc::invalid_argument);
  EXPECT_EQ(count_rows(s.db(), "api_tokens"), 0);
  EXPECT_THROW(s.db().exec("INSERT INTO api_tokens VALUES ('tok_x', 'x', 'root', 'sha256$', 0, NULL)"),
               sql::store_error);
}

TEST_F(TokensTest, AuditEntriesComeBackInOrderFromSinceUpToLimit) {
  store s{path()};
  auto entry = [](const char* when, const char* action, const char* target, const char* outcome = "ok") {
    audit_entry e;
    e.at = at(when);
    e.token_id = "tok_0123456789ab";
    e.role = "operator";
    e.action = action;
    e.target = target;
    e.detail = R"({"name":"Dock 7"})";
    e.outcome = outcome;
    return e;
  };
  // Recorded out of time order: reads sort by time, then by recording order.
  const auto id1 = s.record_audit(entry("2026-11-23T10:00:00Z", "station.rename", "ST-1"));
  const auto id2 = s.record_audit(entry("2026-11-23T09:00:00Z", "slot.disable", "ST-1"));
  const auto id3 = s.record_audit(entry("2026-11-23T10:00:00Z", "station.accept", "ST-9", "station.unknown"));
  EXPECT_LT(id1, id2);
  EXPECT_LT(id2, id3);

  auto all = s.audit();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, id2);
  EXPECT_EQ(all[0].action, "slot.disable");
  EXPECT_EQ(all[1].id, id1);
  EXPECT_EQ(all[2].id, id3);
  EXPECT_EQ(all[2].at, at("2026-11-23T10:00:00Z"));
  EXPECT_EQ(all[2].token_id, "tok_0123456789ab");
  EXPECT_EQ(all[2].role, "operator");
  EXPECT_EQ(all[2].target, "ST-9");
  EXPECT_EQ(all[2].detail, R"({"name":"Dock 7"})");
  EXPECT_EQ(all[2].outcome, "station.unknown");

  auto later = s.audit(at("2026-11-23T09:30:00Z"));
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[0].id, id1);
  auto first = s.audit(std::nullopt, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, id2);
  EXPECT_TRUE(s.audit(from_ms(to_ms(at("2026-11-23T10:00:00Z")) + 1)).empty());
}

TEST_F(TokensTest, TheAuditTrailRefusesNonJsonDetailAndIsAppendOnly) {
  store s{path()};
  audit_entry e;
  e.at = at("2026-11-23T10:00:00Z");
  e.token_id = "cli";
  e.role = "admin";
  e.action = "token.add";
  e.detail = "not json";
  EXPECT_THROW(s.record_audit(e), sql::store_error);
  EXPECT_EQ(count_rows(s.db(), "audit"), 0);
  e.detail = "{}";
  s.record_audit(e);
  EXPECT_THROW(s.db().exec("UPDATE audit SET outcome = 'x'"), sql::store_error);
  EXPECT_THROW(s.db().exec("DELETE FROM audit"), sql::store_error);
  EXPECT_EQ(count_rows(s.db(), "audit"), 1);
}

TEST_F(TokensTest, ATokenAndItsAuditEntryCommitTogetherOrNotAtAll) {
  store s{path()};
  EXPECT_THROW(s.transact([&] {
    ASSERT_TRUE(s.add_token("x", role::admin, at("2026-11-23T10:00:00Z")).ok());
    audit_entry e;
    e.detail = "{broken";
    s.record_audit(e);  // throws: the token goes too
  }),
               sql::store_error);
  EXPECT_EQ(count_rows(s.db(), "api_tokens"), 0);
}

}  // namespace
