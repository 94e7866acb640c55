// Charging physics: two-phase curve, time to a SoC under an allocation, and sharing a site cap.

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "twin/charging.hpp"

using namespace swaptwin::twin;

namespace {

// 1500 Wh pack on a 500 W charger, knee at 80 %, 10 % power at full: taper slope k = 0.9 / 0.2 = 4.5.
charge_params pack() { return charge_params{1500, 500, 0.8, 0.1}; }

TEST(Charging, AcceptedPowerIsFlatThenTapersToTheFloor) {
  EXPECT_DOUBLE_EQ(accepted_power_w(pack(), 0.1), 500);
  EXPECT_DOUBLE_EQ(accepted_power_w(pack(), 0.8), 500);
  EXPECT_DOUBLE_EQ(accepted_power_w(pack(), 0.9), 500 * (1 - 4.5 * 0.1));  // 275 W
  EXPECT_DOUBLE_EQ(accepted_power_w(pack(), 1.0), 50);
}

TEST(Charging, ConstantPhaseAtFullPower) {
  // 0.6 x 1500 Wh / 500 W = 1.8 h.
  EXPECT_NEAR(seconds_to_soc(pack(), 500, 0.2, 0.8), 6480.0, 1e-6);
}

TEST(Charging, TaperPhaseFollowsTheLogarithm) {
  // t = E / (k P) ln(u0 / u1) = 1500 / 2250 x ln(1 / (1 - 4.5 x 0.15)) h = 0.66667 x 1.12393 h = 2697.4 s.
  EXPECT_NEAR(seconds_to_soc(pack(), 500, 0.8, 0.95), 1500.0 / 2250.0 * std::log(1 / 0.325) * 3600, 1e-6);
  EXPECT_NEAR(seconds_to_soc(pack(), 500, 0.8, 0.95), 2697.4, 0.1);
}

TEST(Charging, ASmallerAllocationBindsUntilThePackAcceptsLess) {
  // At 250 W the pack accepts more than that up to 0.8 + 0.5 / 4.5 = 0.9111; 0.2 -> 0.9 is all at 250 W.
  EXPECT_NEAR(seconds_to_soc(pack(), 250, 0.2, 0.9), 0.7 * 1500 / 250 * 3600, 1e-6);
  // Beyond 0.9111 the taper takes over: more than the constant-power time, less than forever.
  double to_95 = seconds_to_soc(pack(), 250, 0.2, 0.95);
  double constant_part = (0.8 + 0.5 / 4.5 - 0.2) * 1500 / 250 * 3600;
  double taper_part = 1500.0 / 2250.0 * std::log((1 - 4.5 * (0.5 / 4.5)) / (1 - 4.5 * 0.15)) * 3600;
  EXPECT_NEAR(to_95, constant_part + taper_part, 1e-6);
}

TEST(Charging, SocAfterInvertsSecondsToSoc) {
  for (double alloc : {500.0, 320.0, 120.0, 40.0}) {
    for (double target : {0.5, 0.8, 0.9, 0.95, 0.99}) {
      double t = seconds_to_soc(pack(), alloc, 0.1, target);
      ASSERT_TRUE(std::isfinite(t));
      EXPECT_NEAR(soc_after(pack(), alloc, 0.1, t), target, 1e-9) << "alloc " << alloc << " target " << target;
    }
  }
}

TEST(Charging, NoPowerNeverArrivesAndDoneIsZero) {
  EXPECT_TRUE(std::isinf(seconds_to_soc(pack(), 0, 0.2, 0.9)));
  EXPECT_DOUBLE_EQ(seconds_to_soc(pack(), 500, 0.96, 0.95), 0.0);
  EXPECT_DOUBLE_EQ(soc_after(pack(), 0, 0.3, 3600), 0.3);
  EXPECT_LE(soc_after(pack(), 500, 0.3, 1e9), 1.0);
}

TEST(SharePower, EqualSharesWhenEveryoneWantsMore) {
  auto a = share_power(1000, {500, 500, 500});
  for (double x : a) EXPECT_NEAR(x, 1000.0 / 3, 1e-9);
}

TEST(SharePower, SmallDemandsAreMetAndTheRestSplitTheRemainder) {
  auto a = share_power(1000, {500, 100, 500});
  EXPECT_DOUBLE_EQ(a[1], 100);
  EXPECT_DOUBLE_EQ(a[0], 450);
  EXPECT_DOUBLE_EQ(a[2], 450);
}

TEST(SharePower, NeverAboveCapNorAboveDemand) {
  std::vector<double> demand{800, 50, 0, 300, 1200, 275};
  for (double cap : {0.0, 100.0, 1000.0, 2000.0, 5000.0}) {
    auto a = share_power(cap, demand);
    EXPECT_LE(std::accumulate(a.begin(), a.end(), 0.0), cap + 1e-9);
    for (size_t i = 0; i < a.size(); ++i) EXPECT_LE(a[i], demand[i] + 1e-9);
  }
  auto plenty = share_power(5000, demand);
  for (size_t i = 0; i < plenty.size(); ++i) EXPECT_DOUBLE_EQ(plenty[i], demand[i]);
}

}  // namespace
