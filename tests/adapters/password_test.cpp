// Cabinet passwords: only salted PBKDF2 hashes are stored, verification is exact, and the rules
// follow OCPP's BasicAuthPassword (16 to 40 characters); and the registration of live cabinets.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "adapters/password.hpp"
#include "adapters/store.hpp"

namespace swaptwin::adapters {
namespace {

TEST(Password, HashVerifiesOnlyTheSamePassword) {
  const auto h = hash_password("correct-horse-battery", 1000);
  EXPECT_TRUE(verify_password("correct-horse-battery", h));
  EXPECT_FALSE(verify_password("correct-horse-batterY", h));
  EXPECT_FALSE(verify_password("", h));
  EXPECT_EQ(h.rfind("pbkdf2-sha256$1000$", 0), 0u);
  EXPECT_EQ(h.find("correct"), std::string::npos);  // never the password itself
}

TEST(Password, EachHashHasItsOwnSalt) {
  const auto a = hash_password("same-password-16chars", 1000), b = hash_password("same-password-16chars", 1000);
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password("same-password-16chars", a));
  EXPECT_TRUE(verify_password("same-password-16chars", b));
}

TEST(Password, MalformedStoredHashesNeverVerify) {
  const auto good = hash_password("x-password-16chars", 1000);
  for (std::string bad : {std::string{}, std::string{"plain"}, std::string{"pbkdf2-sha256$"},
                          std::string{"pbkdf2-sha256$1000$zz$00"}, std::string{"pbkdf2-sha256$0$00$00"},
                          std::string{"md5$1000$00$00"}, good.substr(0, good.size() - 2), good + "0"})
    EXPECT_FALSE(verify_password("x-password-16chars", bad)) << bad;
}

TEST(Password, RulesFollowOcppBasicAuth) {
  EXPECT_NE(validate_cabinet_password("fifteen-chars-x"), "");   // 15
  EXPECT_EQ(validate_cabinet_password("sixteen-chars-xx"), "");  // 16
  EXPECT_EQ(validate_cabinet_password(std::string(40, 'a')), "");
  EXPECT_NE(validate_cabinet_password(std::string(41, 'a')), "");
  EXPECT_NE(validate_cabinet_password("has a space in it!"), "");
  EXPECT_NE(validate_cabinet_password("has:colon-in-it-too"), "");
  EXPECT_NE(validate_cabinet_password("tab\there-is-not-ok"), "");
}

TEST(Password, GeneratedPasswordsAreValidAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto p = generate_password();
    EXPECT_EQ(p.size(), 24u);
    EXPECT_EQ(validate_cabinet_password(p), "") << p;
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 50u);
}

class Registration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("swaptwin-reg-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "t.db").string(); }
  std::filesystem::path dir_;
};

TEST_F(Registration, AnUnknownCabinetIsPendingUntilAccepted) {
  store s{path()};
  const auto at = twin::from_ms(1795392000000);
  ASSERT_TRUE(s.add_pending_station("CAB-77", "fw-3.1", at));
  auto st = s.station("CAB-77");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->reg, twin::registration::pending);
  EXPECT_EQ(st->name(), "CAB-77");
  EXPECT_EQ(st->firmware, "fw-3.1");
  EXPECT_TRUE(st->slots.empty());
  EXPECT_EQ(s.add_pending_station("CAB-77", "", at).code(), twin::errc::station_duplicate);
  ASSERT_TRUE(s.set_registration("CAB-77", twin::registration::accepted));
  EXPECT_EQ(s.station("CAB-77")->reg, twin::registration::accepted);
  EXPECT_EQ(s.set_registration("NOPE", twin::registration::rejected).code(), twin::errc::station_unknown);
  // An operator-registered station is accepted from the start; saving it keeps its registration.
  auto made = twin::make_station("ST-1", "One", {22.5, 114}, 4, 6000, at);
  ASSERT_TRUE(s.add_station(made));
  EXPECT_EQ(s.station("ST-1")->reg, twin::registration::accepted);
  auto rejected = *s.station("CAB-77");
  rejected.reg = twin::registration::rejected;
  ASSERT_TRUE(s.save_station(rejected));
  EXPECT_EQ(store{path()}.station("CAB-77")->reg, twin::registration::rejected);
}

TEST_F(Registration, OnlyTheHashOfThePasswordIsStored) {
  store s{path()};
  ASSERT_TRUE(s.add_station(twin::make_station("ST-1", "One", {22.5, 114}, 4, 6000, twin::from_ms(0))));
  EXPECT_EQ(s.station_password_hash("ST-1"), std::optional<std::string>{""});
  EXPECT_EQ(s.station_password_hash("NOPE"), std::nullopt);
  ASSERT_TRUE(s.set_station_password_hash("ST-1", hash_password("cabinet-secret-0001", 1000)));
  const auto stored = store{path()}.station_password_hash("ST-1");
  ASSERT_TRUE(stored);
  EXPECT_TRUE(verify_password("cabinet-secret-0001", *stored));
  EXPECT_EQ(s.set_station_password_hash("NOPE", "x").code(), twin::errc::station_unknown);
}

// Issue 11: a station's credential is a password, none (the operator's explicit choice) or missing.
TEST_F(Registration, TheCredentialModeIsExplicitAndEachChangeReplacesTheOther) {
  store s{path()};
  ASSERT_TRUE(s.add_station(twin::make_station("ST-1", "One", {22.5, 114}, 4, 6000, twin::from_ms(0))));
  ASSERT_TRUE(s.add_station(twin::make_station("ST-2", "Two", {22.5, 114}, 4, 6000, twin::from_ms(0))));
  EXPECT_EQ(s.credential_of("ST-1"), station_credential::missing);  // nobody said anything yet
  EXPECT_EQ(s.credential_of("NOPE"), std::nullopt);
  ASSERT_TRUE(s.set_station_no_password("ST-1"));
  EXPECT_EQ(s.credential_of("ST-1"), station_credential::none);
  ASSERT_TRUE(s.set_station_password_hash("ST-1", hash_password("cabinet-secret-0001", 1000)));
  EXPECT_EQ(s.credential_of("ST-1"), station_credential::password);
  ASSERT_TRUE(s.set_station_no_password("ST-1"));  // removes the password
  EXPECT_EQ(s.station_password_hash("ST-1"), std::optional<std::string>{""});
  EXPECT_EQ(s.station_credentials(), (std::map<std::string, station_credential>{{"ST-1", station_credential::none},
                                                                                {"ST-2", station_credential::missing}}));
  EXPECT_EQ(s.accepted_credential_counts(), (std::map<station_credential, std::size_t>{
                                                {station_credential::none, 1}, {station_credential::missing, 1}}));
  EXPECT_EQ(s.set_station_no_password("NOPE").code(), twin::errc::station_unknown);
  EXPECT_STREQ(to_string(station_credential::password), "password");
  EXPECT_STREQ(to_string(station_credential::none), "none");
  EXPECT_STREQ(to_string(station_credential::missing), "missing");
}

TEST_F(Registration, PendingStationsAreHeldWithinCapsPerAddressAndInAll) {
  store s{path()};
  const auto at = twin::from_ms(1795392000000);
  EXPECT_EQ(s.hold_pending_station("A-1", "10.0.0.1", at, 2, 3), pending_hold::held);
  EXPECT_EQ(s.hold_pending_station("A-2", "10.0.0.1", at, 2, 3), pending_hold::held);
  EXPECT_EQ(s.hold_pending_station("A-3", "10.0.0.1", at, 2, 3), pending_hold::address_full);
  EXPECT_EQ(s.hold_pending_station("B-1", "10.0.0.2", at, 2, 3), pending_hold::held);
  EXPECT_EQ(s.hold_pending_station("B-2", "10.0.0.2", at, 2, 3), pending_hold::total_full);
  EXPECT_EQ(s.hold_pending_station("A-1", "10.0.0.3", at, 2, 3), pending_hold::exists);
  EXPECT_FALSE(s.station("A-3"));
  EXPECT_EQ(s.pending_counts("10.0.0.1"), (std::pair<std::size_t, std::size_t>{3, 2}));
  // Held at the upgrade without firmware; the boot brings it.
  EXPECT_EQ(s.station("A-1")->firmware, "");
  EXPECT_EQ(s.add_pending_station("A-1", "fw-2.0", at).code(), twin::errc::station_duplicate);
  EXPECT_EQ(s.station("A-1")->firmware, "fw-2.0");
  // Only pending ones count: an accepted or rejected one frees its place.
  ASSERT_TRUE(s.set_registration("A-1", twin::registration::accepted));
  ASSERT_TRUE(s.set_registration("B-1", twin::registration::rejected));
  EXPECT_EQ(s.pending_counts("10.0.0.1"), (std::pair<std::size_t, std::size_t>{1, 1}));
  EXPECT_EQ(s.hold_pending_station("A-3", "10.0.0.1", at, 2, 3), pending_hold::held);
  EXPECT_EQ(s.credential_of("A-3"), station_credential::missing);
  // A cap of 0 holds nothing.
  EXPECT_EQ(s.hold_pending_station("C-1", "10.0.0.4", at, 0, 100), pending_hold::address_full);
  EXPECT_EQ(s.hold_pending_station("C-1", "10.0.0.4", at, 10, 0), pending_hold::total_full);
}

TEST(PasswordCache, AVerifiedPasswordIsAnsweredFromTheCacheUntilTheStoredHashChanges) {
  password_cache cache;
  const auto stored = hash_password("cabinet-secret-0001", 1000);
  EXPECT_FALSE(cache.verify("ST-1", "cabinet-secret-0002", stored));
  EXPECT_FALSE(cache.verify("ST-1", "cabinet-secret-0002", stored));  // a failure is never cached
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_TRUE(cache.verify("ST-1", "cabinet-secret-0001", stored));
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_TRUE(cache.verify("ST-1", "cabinet-secret-0001", stored));
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_FALSE(cache.verify("ST-1", "cabinet-secret-0002", stored));  // another password: checked, refused
  EXPECT_FALSE(cache.verify("ST-2", "cabinet-secret-0001", "pbkdf2-sha256$1000$00$00"));  // another station
  // set-password: the old password no longer opens the door, the cache notwithstanding.
  const auto changed = hash_password("cabinet-secret-0003", 1000);
  EXPECT_FALSE(cache.verify("ST-1", "cabinet-secret-0001", changed));
  EXPECT_TRUE(cache.verify("ST-1", "cabinet-secret-0003", changed));
  EXPECT_EQ(cache.hits(), 1u);
}

}  // namespace
}  // namespace swaptwin::adapters
