#pragma once
/// What one commit of the store actor changed, for whoever follows the database live (the operator
/// feed's hub, feed_hub.hpp). Plain values: no CAF, no SQLite.

#include <cstddef>
#include <string>
#include <vector>

namespace swaptwin::adapters {

/// The effects of one committed batch of the store actor.
struct store_commit {
  std::vector<std::string> stations;  ///< SNs whose rows the batch touched (swaps, links, slot states, alerts, new pending), each once
  std::size_t swaps = 0;              ///< cabinet swap events applied (resent duplicates not counted)
  std::size_t writes = 0;             ///< cabinet writes in the batch (swap events, links, slot states, alerts)
  bool alerts = false;                ///< alerts were applied: work orders may have opened
  bool ledger = false;                ///< ledger postings were appended: the dashboard's numbers may have moved
};

}  // namespace swaptwin::adapters
