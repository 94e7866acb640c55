#pragma once
/// The operator feed (proto/swaptwin/v1/feed.proto) applied to a view model: a snapshot replaces
/// the live parts, deltas replace entities by key, alerts are appended. Pure: no sockets, no
/// threads; a live source decodes FeedMessages on its network thread and applies them here on the
/// UI's thread.

#include <cstddef>
#include <cstdint>

#include "swaptwin/v1/feed.pb.h"
#include "viewer/view_model.hpp"

namespace swaptwin::viewer {

/// At most this many alerts are kept in the view model (the oldest go first).
inline constexpr std::size_t max_feed_alerts = 500;

/// A feed station as the viewer shows it: slots, ready packs and the colour category
/// (category_of: offline, fault when online with a faulted slot, low stock, stocked).
station_view station_from_feed(const v1::FeedStation& s);

/// Replaces the live parts of `vm` with the snapshot's: stations (kept in SN order), dashboard,
/// work orders, agents, alerts (the last max_feed_alerts), currencies, the time zone's name and
/// UTC offset. Leaves what the feed does not carry (packs, riders, plans, deposits, the source's
/// state) and does not touch vm.now_ms.
void apply_snapshot(const v1::FeedSnapshot& snap, view_model& vm);

/// Applies deltas in order: a station, work order or agent replaces the one with its key (or is
/// added; a station in SN order), a removed station goes, a resolved work order goes, an alert is
/// appended (the oldest dropped past max_feed_alerts), the dashboard is replaced.
void apply_deltas(const v1::FeedDeltas& deltas, view_model& vm);

/// What feed_follower::apply did with one message.
struct feed_step {
  bool applied = false;        ///< the message changed the model
  bool snapshot = false;       ///< it was a snapshot (the first one, or a resync)
  bool gap = false;            ///< a message is missing (seq not one more than the last): resubscribe
  std::uint64_t expected_seq = 0;  ///< with gap: the seq that was due
  std::int64_t server_now_ms = 0;  ///< with applied: the server's time the message carries
};

/// Follows one feed across subscriptions: checks `seq`, applies snapshots and deltas. Deltas that
/// do not follow the last message (a missing seq, or deltas before any snapshot) are a gap: it is
/// reported once, so the client resubscribes once, and deltas are ignored until a snapshot comes. A snapshot is always applied, whatever its seq (a new
/// subscription starts at 1, a resync continues the count).
class feed_follower {
 public:
  /// Applies `m` to `vm` when it fits the sequence; see feed_step.
  feed_step apply(const v1::FeedMessage& m, view_model& vm);

  /// True once a snapshot was applied and no gap came after it.
  bool synced() const noexcept { return synced_; }

  /// Forgets the sequence (the connection was lost): the next subscription's snapshot is awaited.
  void reset() noexcept {
    synced_ = false;
    gap_reported_ = false;
  }

 private:
  bool synced_ = false;
  bool gap_reported_ = false;  // deltas that do not fit were reported; wait quietly for a snapshot
  std::uint64_t last_seq_ = 0;
};

}  // namespace swaptwin::viewer
