#pragma once
/// A rate limit for repetitive log lines (a cabinet sending bad frames in a loop, a host retrying
/// refused upgrades): a token bucket that lets the first `burst` lines through, then one per
/// `interval_ms`, and counts what it held back so the next line written (or a summary at the end)
/// can say "(K similar lines suppressed)". Plain and single-threaded: its owner (a session actor,
/// or a caller holding a lock) passes the time in, so tests drive it in virtual time. No globals:
/// each owner has its own.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace swaptwin::adapters {

/// How many lines a log_limiter lets through.
struct log_limit {
  std::size_t burst = 10;            ///< lines written at once before the limit bites (and the bucket's size)
  std::int64_t interval_ms = 10000;  ///< then one line per this interval (a token back per interval)
};

/// The token bucket of one stream of similar log lines.
class log_limiter {
 public:
  /// A full bucket: the first `limit.burst` lines pass.
  explicit log_limiter(log_limit limit = {}) : limit_(limit), tokens_(limit.burst) {}

  /// Whether a line may be written at `now_ms` (monotonic; an earlier time than the last one is
  /// taken as the last). When it may, *suppressed (if given) gets the lines held back since the
  /// last one written, and the count starts again from 0.
  bool allow(std::int64_t now_ms, std::size_t* suppressed = nullptr) {
    refill(now_ms);
    if (tokens_ == 0) {
      ++suppressed_;
      return false;
    }
    --tokens_;
    if (suppressed) *suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }

  /// Lines held back since the last one written (for a summary at the end), and resets the count.
  std::size_t take_suppressed() {
    const auto n = suppressed_;
    suppressed_ = 0;
    return n;
  }

  /// " (K similar lines suppressed)" when `suppressed` > 0, else "": the suffix of the line that
  /// follows a suppression.
  static std::string suffix(std::size_t suppressed) {
    if (suppressed == 0) return {};
    return " (" + std::to_string(suppressed) + " similar line" + (suppressed == 1 ? "" : "s") + " suppressed)";
  }

 private:
  void refill(std::int64_t now_ms) {
    if (!started_) {
      started_ = true;
      last_refill_ms_ = now_ms;
      return;
    }
    if (limit_.interval_ms <= 0) {
      tokens_ = limit_.burst;
      return;
    }
    if (now_ms <= last_refill_ms_) return;
    const auto earned = (now_ms - last_refill_ms_) / limit_.interval_ms;
    if (earned <= 0) return;
    const auto room = static_cast<std::int64_t>(limit_.burst - tokens_);
    tokens_ += static_cast<std::size_t>(std::min(earned, room));
    // Time left over within the current interval counts toward the next token.
    last_refill_ms_ = tokens_ == limit_.burst ? now_ms : last_refill_ms_ + earned * limit_.interval_ms;
  }

  log_limit limit_;
  std::size_t tokens_;
  std::size_t suppressed_ = 0;
  std::int64_t last_refill_ms_ = 0;
  bool started_ = false;
};

}  // namespace swaptwin::adapters
