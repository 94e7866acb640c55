// Bad input: one line on stderr, a non-zero exit, and the database unchanged.
#include "back_office.hpp"

namespace swaptwin::apptest {
namespace {

struct bad_case {
  const char* name;
  std::vector<std::string> args;  ///< after `admin --db F --now T`
  const char* code;               ///< expected "swaptwin: CODE: ..." on stderr
};

std::ostream& operator<<(std::ostream& os, const bad_case& c) { return os << c.name; }

class bad_input_test : public back_office_test, public ::testing::WithParamInterface<bad_case> {
 protected:
  void SetUp() override {
    back_office_test::SetUp();
    build_catalogue();
    cn_rider("R1", "cn-swap", "50.00 CNY");
  }
};

TEST_P(bad_input_test, OneErrorLineNonZeroExitNothingChanged) {
  const auto& c = GetParam();
  const auto before = snapshot();
  const auto stations_before = ok({"station", "list", "--json"});
  auto r = admin(c.args);
  EXPECT_ONE_LINE_ERROR(r, c.code);
  EXPECT_EQ(changes_since(before), "");
  EXPECT_EQ(ok({"station", "list", "--json"}), stations_before);
}

INSTANTIATE_TEST_SUITE_P(
    Admin, bad_input_test,
    ::testing::Values(
        bad_case{"RenameUnknownSn", {"station", "rename", "XX-404", "Name"}, "station.unknown"},
        bad_case{"ShowUnknownSn", {"station", "show", "XX-404"}, "station.unknown"},
        bad_case{"DuplicateSn",
                 {"station", "add", "SZ-0001", "--no-password", "--name", "Again", "--lat", "1", "--lon", "1"},
                 "station.duplicate"},
        bad_case{"MalformedSn",
                 {"station", "add", "SZ 0001!", "--no-password", "--name", "Bad", "--lat", "1", "--lon", "1"},
                 "input.invalid"},
        bad_case{"StationAddEmptyName",
                 {"station", "add", "SZ-0009", "--no-password", "--name", "  ", "--lat", "1", "--lon", "1"},
                 "station.name_empty"},
        bad_case{"StationAddUnknownAgent",
                 {"station", "add", "SZ-0009", "--no-password", "--name", "X", "--lat", "1", "--lon", "1", "--agent",
                  "AG-404"},
                 "agent.unknown"},
        bad_case{"StationAddLatitudeOutOfRange",
                 {"station", "add", "SZ-0009", "--no-password", "--name", "X", "--lat", "91", "--lon", "1"},
                 "input.invalid"},
        bad_case{"StationAddNoSlots",
                 {"station", "add", "SZ-0009", "--no-password", "--name", "X", "--lat", "1", "--lon", "1", "--slots", "0"},
                 "input.invalid"},
        bad_case{"StationAddNoCredential", {"station", "add", "SZ-0009", "--name", "X", "--lat", "1", "--lon", "1"},
                 "input.invalid"},
        bad_case{"StationAddBadPassword",
                 {"station", "add", "SZ-0009", "--name", "X", "--lat", "1", "--lon", "1", "--password", "short"},
                 "input.invalid"},
        bad_case{"RenameEmpty", {"station", "rename", "SZ-0001", ""}, "station.name_empty"},
        bad_case{"AcceptUnknownSn", {"station", "accept", "XX-404"}, "station.unknown"},
        bad_case{"RejectUnknownSn", {"station", "reject", "XX-404"}, "station.unknown"},
        bad_case{"PasswordTooShort", {"station", "set-password", "SZ-0001", "--password", "short-15-chars!"},
                 "input.invalid"},
        bad_case{"PasswordWithColon", {"station", "set-password", "SZ-0001", "--password", "has:colon-in-it-0001"},
                 "input.invalid"},
        bad_case{"PasswordMissing", {"station", "set-password", "SZ-0001"}, "input.invalid"},
        bad_case{"PasswordUnknownSn", {"station", "set-password", "XX-404", "--generate"}, "station.unknown"},
        bad_case{"DisableSlotOutOfRange", {"station", "disable-slot", "SZ-0001", "9"}, "input.invalid"},
        bad_case{"DisableSlotZero", {"station", "disable-slot", "SZ-0001", "0"}, "input.invalid"},
        bad_case{"EnableSlotUnknownSn", {"station", "enable-slot", "XX-404", "1"}, "station.unknown"},
        bad_case{"RenameBlank", {"station", "rename", "SZ-0001", "   "}, "station.name_empty"},
        bad_case{"AmountTwoDots", {"model", "set-deposit", "60V", "300.0.0 CNY"}, "money.malformed"},
        bad_case{"AmountNotANumber", {"model", "set-deposit", "60V", "abc"}, "money.malformed"},
        bad_case{"AmountUnknownCurrency", {"model", "set-deposit", "60V", "10.00 XYZ"}, "money.unknown_currency"},
        bad_case{"AmountTooManyDecimals", {"model", "set-deposit", "60V", "10.001 CNY"}, "money.malformed"},
        bad_case{"AmountNegative", {"model", "set-deposit", "60V", "-10.00 CNY"}, "money.malformed"},
        bad_case{"AmountZeroDeposit", {"model", "set-deposit", "60V", "0 CNY"}, "input.invalid"},
        bad_case{"DepositUnknownModel", {"model", "set-deposit", "99V", "10.00 CNY"}, "model.unknown"},
        bad_case{"TopUpTooManyDecimals", {"rider", "top-up", "R1", "1.005 CNY"}, "money.malformed"},
        bad_case{"TopUpMalformed", {"rider", "top-up", "R1", "300.0.0 CNY"}, "money.malformed"},
        bad_case{"TopUpUnknownCurrency", {"rider", "top-up", "R1", "10.00 XYZ"}, "money.unknown_currency"},
        bad_case{"TopUpOtherCurrency", {"rider", "top-up", "R1", "10.00 KES"}, "money.currency_mismatch"},
        bad_case{"TopUpZero", {"rider", "top-up", "R1", "0.00 CNY"}, "input.invalid"},
        bad_case{"TopUpUnknownRider", {"rider", "top-up", "R404", "10.00 CNY"}, "rider.unknown"},
        bad_case{"ShowUnknownRider", {"rider", "show", "R404"}, "rider.unknown"},
        bad_case{"KycUnknownRider", {"rider", "kyc", "R404", "approve"}, "rider.unknown"},
        bad_case{"KycRejectWithoutReason", {"rider", "kyc", "R1", "reject"}, "input.invalid"},
        bad_case{"KycBadBirthDate", {"rider", "kyc", "R1", "submit", "--birth-date", "1990-13-40"}, "input.invalid"},
        bad_case{"DepositUnknownRider", {"rider", "pay-deposit", "R404", "60V"}, "rider.unknown"},
        bad_case{"DepositUnknownModel2", {"rider", "pay-deposit", "R1", "99V"}, "model.unknown"},
        bad_case{"DepositAlreadyPaid", {"rider", "pay-deposit", "R1", "60V"}, "deposit.already_paid"},
        bad_case{"DepositNotSetInCurrency", {"rider", "pay-deposit", "R1", "72V"}, "deposit.not_set"},
        bad_case{"RefundUnknownRider", {"rider", "refund-deposit", "R404", "60V"}, "rider.unknown"},
        bad_case{"RefundNoDeposit", {"rider", "refund-deposit", "R1", "72V"}, "deposit.missing"},
        bad_case{"BuyUnknownPlan", {"rider", "buy-plan", "R1", "no-such-plan"}, "plan.unknown"},
        bad_case{"BuyUnknownRider", {"rider", "buy-plan", "R404", "cn-month"}, "rider.unknown"},
        bad_case{"BuyPlanOtherCurrency", {"rider", "buy-plan", "R1", "ke-20", "--replace"}, "money.currency_mismatch"},
        bad_case{"RiderAddDuplicate", {"rider", "add", "R1", "--name", "Again", "--country", "CN"}, "rider.duplicate"},
        bad_case{"RiderAddUnknownCountry", {"rider", "add", "R2", "--name", "X", "--country", "ZZ"}, "country.unknown"},
        bad_case{"RiderAddBadBirthDate", {"rider", "add", "R2", "--name", "X", "--country", "CN", "--birth-date",
                                          "17/05/1990"},
                 "input.invalid"},
        bad_case{"PlanAddDuplicate", {"plan", "add", "cn-month", "--name", "X", "--kind", "period", "--price",
                                      "1.00 CNY"},
                 "plan.duplicate"},
        bad_case{"PlanAddMalformedPrice", {"plan", "add", "p1", "--name", "X", "--kind", "period", "--price", "abc"},
                 "money.malformed"},
        bad_case{"PlanAddUnknownCurrency", {"plan", "add", "p1", "--name", "X", "--kind", "period", "--price",
                                            "1.00 XYZ"},
                 "money.unknown_currency"},
        bad_case{"PlanAddMixedCurrencies", {"plan", "add", "p1", "--name", "X", "--kind", "distance", "--price",
                                            "90.00 CNY", "--km", "300", "--per-km", "0.40 KES"},
                 "money.currency_mismatch"},
        bad_case{"PlanAddNoPrice", {"plan", "add", "p1", "--name", "X", "--kind", "period"}, "input.invalid"},
        bad_case{"PlanAddEmptyName", {"plan", "add", "p1", "--name", "", "--kind", "energy", "--per-kwh", "1.00 CNY"},
                 "input.invalid"},
        bad_case{"PlanRetireUnknown", {"plan", "retire", "no-such-plan"}, "plan.unknown"},
        bad_case{"CountryUnknownCurrency", {"country", "set-policy", "FR", "--currency", "XYZ"},
                 "money.unknown_currency"},
        bad_case{"CountryBadCode", {"country", "set-policy", "france", "--currency", "EUR"}, "input.invalid"},
        bad_case{"CountryBadTax", {"country", "set-policy", "FR", "--currency", "EUR", "--tax", "abc"},
                 "input.invalid"},
        bad_case{"AgentAssignUnknownAgent", {"agent", "assign", "AG-404", "SZ-0001"}, "agent.unknown"},
        bad_case{"AgentAssignUnknownStation", {"agent", "assign", "AG-SZ", "XX-404"}, "station.unknown"},
        bad_case{"SwapUnknownRider", {"swap", "R404", "SZ-0001", "60V"}, "rider.unknown"},
        bad_case{"SwapUnknownModel", {"swap", "R1", "SZ-0001", "99V"}, "model.unknown"},
        bad_case{"SwapUnknownStation", {"swap", "R1", "XX-404", "60V"}, "station.unknown"},
        // A rider's real name and an agent's name are required like a station's; empty ones are accepted.
        bad_case{"AgentAddEmptyName", {"agent", "add", "AG-2", "--name", "", "--region", ""}, "input.invalid"},
        bad_case{"RiderAddEmptyName", {"rider", "add", "R2", "--name", "", "--country", "CN"}, "input.invalid"}),
    [](const ::testing::TestParamInfo<bad_case>& info) { return std::string{info.param.name}; });

// Usage errors: exit 2, one line "swaptwin: usage: ..." on stderr, nothing changed.
class usage_error_test : public back_office_test, public ::testing::WithParamInterface<bad_case> {};

TEST_P(usage_error_test, ExitTwoOneLineNothingChanged) {
  build_catalogue();
  const auto before = snapshot();
  const auto& args = GetParam().args;
  std::vector<std::string> all{"admin", "--db", db_.string()};
  if (std::find(args.begin(), args.end(), "--now") == args.end()) all.insert(all.end(), {"--now", now_text});
  all.insert(all.end(), args.begin(), args.end());
  auto r = sw(all);
  EXPECT_EQ(r.code, 2) << describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << describe(r);
  EXPECT_EQ(r.err.rfind("swaptwin: usage: ", 0), 0u) << describe(r);
  EXPECT_EQ(changes_since(before), "");
}

INSTANTIATE_TEST_SUITE_P(
    Admin, usage_error_test,
    ::testing::Values(
        bad_case{"NoSubcommand", {}, ""}, bad_case{"StationNoSubcommand", {"station"}, ""},
        bad_case{"UnknownSubcommand", {"stations"}, ""},
        bad_case{"MissingArgument", {"station", "rename", "SZ-0001"}, ""},
        bad_case{"ExtraArgument", {"station", "list", "extra"}, ""},
        bad_case{"UnknownOption", {"station", "list", "--colour"}, ""},
        bad_case{"StationAddPasswordAndNoPassword",
                 {"station", "add", "SZ-0009", "--name", "X", "--lat", "1", "--lon", "1", "--password",
                  "cabinet-secret-0001", "--no-password"},
                 ""},
        bad_case{"BadPlanKind", {"plan", "add", "p1", "--name", "X", "--kind", "monthly", "--price", "1.00 CNY"}, ""},
        bad_case{"BadKycAction", {"rider", "kyc", "R1", "verify"}, ""},
        bad_case{"NotANumber",
                 {"station", "add", "SZ-0009", "--no-password", "--name", "X", "--lat", "north", "--lon", "1"}, ""},
        bad_case{"BadNowOnAWrite",
                 {"--now", "yesterday", "station", "add", "SZ-0009", "--no-password", "--name", "X", "--lat", "1",
                  "--lon", "1"},
                 ""},
        // --now is checked only by commands that read the clock: a rename or a list ignores garbage.
        bad_case{"BadNowOnRename", {"--now", "yesterday", "station", "rename", "SZ-0001", "New"}, ""},
        bad_case{"BadNowOnList", {"--now", "yesterday", "station", "list"}, ""}),
    [](const ::testing::TestParamInfo<bad_case>& info) { return std::string{info.param.name}; });

}  // namespace
}  // namespace swaptwin::apptest
