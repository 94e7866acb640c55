// Rider identity checks: submit, approve, reject, and the swap-time KYC gate.

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/rider.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

rider new_rider() {
  rider r;
  r.id = "R7";
  r.name = "Wang Fang";
  r.country = "CN";
  return r;
}

// A rider who submitted both CN documents and was born 1990-05-17.
rider pending_rider() {
  rider r = new_rider();
  EXPECT_TRUE(submit_kyc(r, {"selfie", "national_id"}, day("1990-05-17")).ok());
  return r;
}

TEST(KycStatus, NamesRoundTrip) {
  for (auto s : {kyc_status::unverified, kyc_status::pending, kyc_status::verified, kyc_status::rejected}) {
    kyc_status back = kyc_status::unverified;
    ASSERT_TRUE(from_string(to_string(s), back));
    EXPECT_EQ(back, s);
  }
  kyc_status s = kyc_status::pending;
  EXPECT_FALSE(from_string("approved", s));
  EXPECT_EQ(s, kyc_status::pending);
}

TEST(SubmitKyc, PutsRiderUnderReview) {
  rider r = new_rider();
  ASSERT_EQ(r.kyc, kyc_status::unverified);
  ASSERT_TRUE(submit_kyc(r, {"selfie", "national_id"}, day("1990-05-17")).ok());
  EXPECT_EQ(r.kyc, kyc_status::pending);
  EXPECT_EQ(r.kyc_documents, (std::vector<std::string>{"national_id", "selfie"}));  // sorted
  ASSERT_TRUE(r.birth_date.has_value());
  EXPECT_EQ(*r.birth_date, day("1990-05-17"));
}

TEST(SubmitKyc, MergesDocumentsSortedUnique) {
  rider r = new_rider();
  ASSERT_TRUE(submit_kyc(r, {"selfie"}, std::nullopt).ok());
  ASSERT_TRUE(submit_kyc(r, {"national_id", "selfie", "driving_licence"}, std::nullopt).ok());
  EXPECT_EQ(r.kyc_documents, (std::vector<std::string>{"driving_licence", "national_id", "selfie"}));
  EXPECT_FALSE(r.birth_date.has_value());
  // A birth date alone is a valid submission and keeps the documents.
  ASSERT_TRUE(submit_kyc(r, {}, day("2001-01-01")).ok());
  EXPECT_EQ(r.kyc_documents.size(), 3u);
  EXPECT_EQ(*r.birth_date, day("2001-01-01"));
}

TEST(SubmitKyc, RefusesEmptySubmissions) {
  rider r = new_rider();
  auto nothing = submit_kyc(r, {}, std::nullopt);
  EXPECT_EQ(nothing.code(), errc::invalid_argument);
  auto blank = submit_kyc(r, {"national_id", ""}, std::nullopt);
  EXPECT_EQ(blank.code(), errc::invalid_argument);
  EXPECT_EQ(r.kyc, kyc_status::unverified);
  EXPECT_TRUE(r.kyc_documents.empty());
}

TEST(ApproveKyc, VerifiesCompleteAdult) {
  rider r = pending_rider();
  ASSERT_TRUE(approve_kyc(r, cn_policy(), day("2026-11-15")).ok());
  EXPECT_EQ(r.kyc, kyc_status::verified);
  EXPECT_EQ(kyc_gate(r, cn_policy(), day("2026-11-15")), errc::ok);
}

TEST(ApproveKyc, MissingDocumentKeepsPending) {
  rider r = new_rider();
  ASSERT_TRUE(submit_kyc(r, {"national_id"}, day("1990-05-17")).ok());
  auto st = approve_kyc(r, cn_policy(), day("2026-11-15"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), errc::kyc_documents_missing);
  EXPECT_EQ(code_string(st.code()), "kyc.documents_missing");
  EXPECT_NE(st.err().detail.find("selfie"), std::string::npos) << st.err().detail;
  EXPECT_EQ(r.kyc, kyc_status::pending);
}

TEST(ApproveKyc, MissingBirthDateWhenPolicyHasMinimumAge) {
  rider r = new_rider();
  ASSERT_TRUE(submit_kyc(r, {"national_id", "selfie"}, std::nullopt).ok());
  EXPECT_EQ(approve_kyc(r, cn_policy(), day("2026-11-15")).code(), errc::kyc_documents_missing);
  EXPECT_EQ(r.kyc, kyc_status::pending);
  // Without a minimum age the birth date is not needed.
  country_policy no_age = cn_policy();
  no_age.min_age_years = 0;
  EXPECT_TRUE(approve_kyc(r, no_age, day("2026-11-15")).ok());
  EXPECT_EQ(r.kyc, kyc_status::verified);
}

TEST(ApproveKyc, UnderageTheDayBeforeTheBirthday) {
  rider r = new_rider();
  ASSERT_TRUE(submit_kyc(r, {"national_id", "selfie"}, day("2008-06-15")).ok());
  // 2026-06-14: 17 years old, CN requires 18.
  auto st = approve_kyc(r, cn_policy(), day("2026-06-14"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), errc::kyc_underage);
  EXPECT_EQ(code_string(st.code()), "kyc.underage");
  EXPECT_EQ(r.kyc, kyc_status::pending);
  // 2026-06-15: the 18th birthday.
  EXPECT_TRUE(approve_kyc(r, cn_policy(), day("2026-06-15")).ok());
  EXPECT_EQ(r.kyc, kyc_status::verified);
}

TEST(ApproveKyc, OnlyPendingRiders) {
  rider r = new_rider();
  EXPECT_EQ(approve_kyc(r, cn_policy(), day("2026-11-15")).code(), errc::kyc_not_pending);
  r = pending_rider();
  ASSERT_TRUE(approve_kyc(r, cn_policy(), day("2026-11-15")).ok());
  EXPECT_EQ(approve_kyc(r, cn_policy(), day("2026-11-15")).code(), errc::kyc_not_pending);
  EXPECT_EQ(r.kyc, kyc_status::verified);
}

TEST(RejectKyc, RecordsReasonAndResubmissionClearsIt) {
  rider r = pending_rider();
  ASSERT_TRUE(reject_kyc(r, "selfie does not match the id photo").ok());
  EXPECT_EQ(r.kyc, kyc_status::rejected);
  EXPECT_EQ(r.kyc_note, "selfie does not match the id photo");
  EXPECT_EQ(kyc_gate(r, cn_policy(), day("2026-11-15")), errc::kyc_rejected);
  // Rejecting again needs a pending review.
  EXPECT_EQ(reject_kyc(r, "again").code(), errc::kyc_not_pending);
  EXPECT_EQ(r.kyc_note, "selfie does not match the id photo");
  // New documents put the rider back under review and clear the note.
  ASSERT_TRUE(submit_kyc(r, {"selfie"}, std::nullopt).ok());
  EXPECT_EQ(r.kyc, kyc_status::pending);
  EXPECT_EQ(r.kyc_note, "");
}

TEST(RejectKyc, UnverifiedCannotBeRejected) {
  rider r = new_rider();
  EXPECT_EQ(reject_kyc(r, "no").code(), errc::kyc_not_pending);
  EXPECT_EQ(r.kyc, kyc_status::unverified);
}

TEST(KycGate, EachStatus) {
  const civil_day today = day("2026-11-15");
  rider r = new_rider();
  EXPECT_EQ(kyc_gate(r, cn_policy(), today), errc::kyc_unverified);
  r = pending_rider();
  EXPECT_EQ(kyc_gate(r, cn_policy(), today), errc::kyc_pending);
  ASSERT_TRUE(approve_kyc(r, cn_policy(), today).ok());
  EXPECT_EQ(kyc_gate(r, cn_policy(), today), errc::ok);
}

TEST(KycGate, IncompleteWhenPolicyAddsADocumentAfterVerification) {
  const civil_day today = day("2026-11-15");
  rider r = pending_rider();
  ASSERT_TRUE(approve_kyc(r, cn_policy(), today).ok());
  country_policy tighter = cn_policy();
  tighter.kyc_documents.push_back("proof_of_address");
  EXPECT_EQ(kyc_gate(r, tighter, today), errc::kyc_incomplete);
  EXPECT_EQ(code_string(kyc_gate(r, tighter, today)), "kyc.incomplete");
  EXPECT_EQ(r.kyc, kyc_status::verified);  // the gate does not change the rider
}

TEST(KycGate, IncompleteWhenPolicyRaisesMinimumAge) {
  // Born 2005-03-01: 21 on 2026-11-15. A policy raised to 25 makes them incomplete.
  rider r = new_rider();
  ASSERT_TRUE(submit_kyc(r, {"national_id", "selfie"}, day("2005-03-01")).ok());
  ASSERT_TRUE(approve_kyc(r, cn_policy(), day("2026-11-15")).ok());
  country_policy older = cn_policy();
  older.min_age_years = 25;
  EXPECT_EQ(kyc_gate(r, older, day("2026-11-15")), errc::kyc_incomplete);
  older.min_age_years = 21;
  EXPECT_EQ(kyc_gate(r, older, day("2026-11-15")), errc::ok);
}

}  // namespace
