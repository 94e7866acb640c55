#include "viewer/time_control.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace swaptwin::viewer {
namespace {

TEST(Advance, PausedGivesNothing) {
  time_control t;
  t.paused = true;
  t.speed = 10000;
  EXPECT_EQ(advance(t, 1.0), 0);
  EXPECT_EQ(advance(t, 1.0 / 60), 0);
  EXPECT_EQ(t.carry_ns, 0);
}

TEST(Advance, SpeedTimesRealTime) {
  for (int speed : time_speeds) {
    time_control t;
    t.speed = speed;
    EXPECT_EQ(advance(t, 0.5), 500LL * speed) << speed << "x";
    EXPECT_EQ(advance(t, 2.0), 2000LL * speed) << speed << "x";
  }
}

TEST(Advance, SixtyFramesOfASixtiethMakeExactlyOneSecondTimesSpeed) {
  for (int speed : time_speeds) {
    time_control t;
    t.speed = speed;
    std::int64_t total = 0;
    for (int frame = 0; frame < 60; ++frame) total += advance(t, 1.0 / 60);
    EXPECT_EQ(total, 1000LL * speed) << speed << "x";
  }
}

TEST(Advance, SubMillisecondRestIsCarriedNotLost) {
  time_control t;  // 1x
  std::int64_t total = 0;
  for (int frame = 0; frame < 1000; ++frame) total += advance(t, 0.0004);  // 0.4 ms each
  EXPECT_EQ(total, 400);
}

TEST(Advance, StepOnceEvenWhenPaused) {
  time_control t;
  t.paused = true;
  t.step_ms = 60'000;
  t.step_requested = true;
  EXPECT_EQ(advance(t, 1.0 / 60), 60'000);
  EXPECT_FALSE(t.step_requested);
  EXPECT_EQ(advance(t, 1.0 / 60), 0);
}

TEST(Advance, BadRealTimeCountsAsZero) {
  time_control t;
  t.speed = 100;
  EXPECT_EQ(advance(t, -1.0), 0);
  EXPECT_EQ(advance(t, std::numeric_limits<double>::quiet_NaN()), 0);
  EXPECT_EQ(advance(t, std::numeric_limits<double>::infinity()), 0);
}

TEST(Advance, SpeedIsKeptWithinTheOfferedRange) {
  time_control t;
  t.speed = 0;
  EXPECT_EQ(advance(t, 1.0), 1000);
  t.speed = 1'000'000;
  EXPECT_EQ(advance(t, 1.0), 10'000'000);
}

TEST(Advance, AStalledFrameCountsAtMostADay) {
  time_control t;
  t.speed = 10000;
  EXPECT_EQ(advance(t, 1e9), 86'400'000LL * 10000);
}

TEST(TakeJump, ReturnsAndClears) {
  time_control t;
  EXPECT_FALSE(take_jump(t));
  t.jump_to_ms = 1234;
  EXPECT_EQ(take_jump(t), 1234);
  EXPECT_FALSE(t.jump_to_ms);
}

}  // namespace
}  // namespace swaptwin::viewer
