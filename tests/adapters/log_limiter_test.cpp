// adapters/log_limiter.hpp under virtual time: the time is passed in, nothing sleeps.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/log_limiter.hpp"

namespace swaptwin::adapters {
namespace {

// Offers one line at each time; returns what was written ("t" or "t+K" when K were suppressed before it).
std::vector<std::string> run(log_limiter& l, const std::vector<std::int64_t>& times_ms) {
  std::vector<std::string> written;
  for (const auto t : times_ms) {
    std::size_t suppressed = 99;
    if (l.allow(t, &suppressed)) written.push_back(std::to_string(t) + (suppressed ? "+" + std::to_string(suppressed) : ""));
  }
  return written;
}

TEST(log_limiter, the_first_burst_passes_then_one_line_per_interval) {
  log_limiter l{{3, 1000}};
  // 10 lines at t = 0: the burst of 3 passes, 7 are held back.
  EXPECT_EQ(run(l, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), (std::vector<std::string>{"0", "0", "0"}));
  // Within the interval nothing more; at 1000 one line, which says how many it follows.
  EXPECT_EQ(run(l, {500, 999, 1000, 1001, 1999}), (std::vector<std::string>{"1000+9"}));
  EXPECT_EQ(run(l, {2000}), (std::vector<std::string>{"2000+2"}));
  EXPECT_EQ(l.take_suppressed(), 0u);
}

TEST(log_limiter, a_quiet_stream_earns_its_burst_back_and_no_more) {
  log_limiter l{{2, 1000}};
  EXPECT_EQ(run(l, {0, 0, 0}), (std::vector<std::string>{"0", "0"}));
  // Ten quiet intervals refill the bucket to its size (2), not to 10.
  EXPECT_EQ(run(l, {10000, 10000, 10000, 10000}), (std::vector<std::string>{"10000+1", "10000"}));
  // Time left within an interval counts toward the next token: 10000 + 1000 gives exactly one.
  EXPECT_EQ(run(l, {10999, 11000, 11000}), (std::vector<std::string>{"11000+3"}));
}

TEST(log_limiter, what_was_held_back_is_counted_for_the_summary_at_the_end) {
  log_limiter l{{1, 60000}};
  EXPECT_EQ(run(l, {5, 6, 7, 8}), (std::vector<std::string>{"5"}));
  EXPECT_EQ(l.take_suppressed(), 3u);
  EXPECT_EQ(l.take_suppressed(), 0u);  // taken once
  EXPECT_EQ(log_limiter::suffix(0), "");
  EXPECT_EQ(log_limiter::suffix(1), " (1 similar line suppressed)");
  EXPECT_EQ(log_limiter::suffix(7), " (7 similar lines suppressed)");
}

TEST(log_limiter, time_going_backwards_earns_nothing) {
  log_limiter l{{1, 1000}};
  EXPECT_EQ(run(l, {5000, 4000, 100, 5999}), (std::vector<std::string>{"5000"}));
  EXPECT_EQ(run(l, {6000}), (std::vector<std::string>{"6000+3"}));
}

}  // namespace
}  // namespace swaptwin::adapters
