#pragma once
/// The back office's invariants, checked against the database (`swaptwin admin check`): what must
/// hold whatever wrote it (the CLI, the API, `serve`, a simulation's export), and what to do when
/// it does not. Tests run it after every concurrency, crash and hostile-input test.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace swaptwin::adapters {

class store;

/// One broken invariant, about one thing, with what to do about it.
struct violation {
  std::string invariant;  ///< stable id, one of check_invariant_ids(): "wallet.sum", "pack.one_place", ...
  std::string subject;    ///< what it is about: "rider R-1", "pack P-7", "slot SZ-1:3", "swap K"
  std::string detail;     ///< what is wrong, with the numbers
  std::string fix;        ///< what an operator should do
};

/// What check_invariants found, and how much it looked at.
struct check_report {
  std::vector<violation> violations;            ///< in the order of check_invariant_ids()
  std::map<std::string, std::int64_t> checked;  ///< invariant id -> rows it looked at
};

/// The invariants, in the order they are checked:
/// - "db.integrity": SQLite's quick_check finds the file sound.
/// - "ledger.key_unique": every idempotency key of the ledger is used once.
/// - "money.range": every balance, deposit, price and posting, and every rider's sum of postings,
///   is within twin::money_limit_minor.
/// - "wallet.sum": every rider's wallet equals the sum of their postings' wallet deltas
///   (twin::wallet_delta).
/// - "pack.one_place": every pack is in exactly one place (a slot, a rider, or recorded elsewhere:
///   warehouse, transit), and every slot or rider that holds a pack is where the pack says it is.
/// - "slot.one_pack": no slot is claimed by two packs.
/// - "rider.packs_vs_deposits": no rider holds more packs than deposits (or a pack of a model they
///   hold no deposit for) unless a custody anomaly about them is open.
/// - "swap.billed_once": every recorded swap has exactly the usage charge and tax it was priced at,
///   and every usage charge belongs to a recorded swap.
std::vector<std::string> check_invariant_ids();

/// Checks every invariant in one read transaction (a consistent snapshot, even while `serve` or
/// another process writes). Sums are computed in 128 bits, so a corrupt ledger is reported, not
/// overflowed. Throws sql::store_error only when the database cannot be read at all.
check_report check_invariants(store& db);

}  // namespace swaptwin::adapters
