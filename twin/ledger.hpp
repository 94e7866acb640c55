#pragma once
/// The append-only ledger: every money movement as a posting with an idempotency key.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "twin/money.hpp"
#include "twin/plan.hpp"
#include "twin/time.hpp"

namespace swaptwin::twin {

/// What a posting records. Amounts are signed from the operator's side: + money in, - money out.
enum class posting_kind : std::uint8_t {
  deposit_in,      ///< rider paid a deposit (held, not revenue)
  deposit_refund,  ///< deposit given back to the rider (negative)
  dues_payment,    ///< part of a refunded deposit kept to pay dues
  wallet_topup,    ///< rider put money in their wallet
  plan_purchase,   ///< plan or bundle sold (revenue, net of tax)
  usage_charge,    ///< metered swap: per km, per swap, per kWh, or km overage (revenue, net of tax)
  tax,             ///< tax collected on a purchase or charge
};
/// "deposit_in", "deposit_refund", ...
std::string_view to_string(posting_kind k) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, posting_kind& out) noexcept;
/// True for the kinds that count as revenue (plan_purchase, usage_charge).
bool is_revenue(posting_kind k) noexcept;

/// How one posting moves its rider's wallet, in minor units. Top-ups and the dues kept from a
/// refunded deposit add to it; usage charges and the tax on them come off it; deposits, refunds,
/// plan purchases and their tax are paid at the counter and leave it alone. `taxed` is the kind of
/// the posting a tax posting is levied on (the one whose key is the tax's key without ":tax"),
/// nullopt when there is none. A rider's wallet always equals the sum of its postings' deltas
/// (swaptwin admin check verifies it).
std::int64_t wallet_delta(posting_kind kind, std::int64_t amount_minor, std::optional<posting_kind> taxed) noexcept;

/// The key of the posting a tax posting keyed `tax_key` is levied on ("K:tax" -> "K"); empty when
/// `tax_key` does not end in ":tax".
std::string taxed_key(std::string_view tax_key);

/// One ledger line. The key makes re-applying the same event a no-op.
struct posting {
  std::string key;                    ///< idempotency key, unique in the ledger
  unix_ms at{};
  std::string rider_id;
  posting_kind kind = posting_kind::usage_charge;
  money amount;
  std::optional<plan_kind> plan;      ///< plan kind for revenue by kind
  std::string plan_id;
  std::string station_sn;
  std::string memo;
};

/// An in-memory append-only ledger with idempotency (the store enforces the same in SQLite).
class ledger {
 public:
  /// Appends `p` unless a posting with the same key is already there. True when appended.
  bool append(posting p);
  /// Every posting, in order of appending.
  const std::vector<posting>& postings() const noexcept { return postings_; }
  /// Moves every posting out, in order, and leaves the ledger empty (for a caller done with it
  /// that would otherwise copy millions of postings).
  std::vector<posting> release() noexcept {
    keys_.clear();
    auto out = std::move(postings_);
    postings_.clear();  // a moved-from vector is only "valid": make it empty
    return out;
  }
  /// True when a posting with key `key` exists.
  bool contains(const std::string& key) const { return keys_.count(key) != 0; }
  /// Revenue (plan purchases and usage charges, net of tax) per currency.
  std::map<std::string, std::int64_t> revenue_by_currency() const;

 private:
  std::vector<posting> postings_;
  std::unordered_set<std::string> keys_;
};

}  // namespace swaptwin::twin
