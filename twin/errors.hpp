#pragma once
/// Error and refusal codes of the domain model, and a small value-or-error result type.
///
/// Every code has a stable dotted string (`"kyc.unverified"`) that operators, logs, journals and
/// the CLI show; the strings never change once released, new codes are only appended.

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace swaptwin::twin {

/// Stable error and refusal codes. `ok` is the absence of an error.
enum class errc : std::uint8_t {
  ok = 0,
  // Swap authorisation refusals.
  country_unknown,      ///< "country.unknown": the rider's country has no policy
  kyc_unverified,       ///< "kyc.unverified": the rider never submitted documents
  kyc_pending,          ///< "kyc.pending": documents submitted, review not done
  kyc_rejected,         ///< "kyc.rejected": review refused the rider
  kyc_incomplete,       ///< "kyc.incomplete": verified, but the policy now asks for more
  deposit_missing,      ///< "deposit.missing": no deposit held for the pack's model
  plan_none,            ///< "plan.none": the rider has no plan
  plan_expired,         ///< "plan.expired": the period plan ended
  plan_exhausted,       ///< "plan.exhausted": swap cap, swap bundle or km bundle used up
  payment_overdue,      ///< "payment.overdue": postpaid dues older than the grace days
  payment_insufficient, ///< "payment.insufficient_funds": prepaid wallet cannot pay usage
  rider_other_model,    ///< "rider.other_model": rider holds a pack of another model
  station_offline,      ///< "station.offline"
  station_disabled,     ///< "station.disabled": the operator took the station out of service
  slot_unavailable,     ///< "slot.unavailable": no working empty slot to take the returned pack
  stock_empty,          ///< "stock.empty": no ready pack of the model
  // Back-office input errors.
  invalid_argument,     ///< "input.invalid"
  money_malformed,      ///< "money.malformed"
  currency_unknown,     ///< "money.unknown_currency"
  currency_mismatch,    ///< "money.currency_mismatch"
  station_unknown,      ///< "station.unknown"
  station_duplicate,    ///< "station.duplicate"
  name_empty,           ///< "station.name_empty"
  rider_unknown,        ///< "rider.unknown"
  rider_duplicate,      ///< "rider.duplicate"
  model_unknown,        ///< "model.unknown"
  plan_unknown,         ///< "plan.unknown"
  plan_duplicate,       ///< "plan.duplicate"
  plan_retired,         ///< "plan.retired"
  plan_active,          ///< "plan.active": another plan is still active
  agent_unknown,        ///< "agent.unknown"
  agent_duplicate,      ///< "agent.duplicate"
  deposit_paid,         ///< "deposit.already_paid"
  deposit_pack_out,     ///< "deposit.pack_out": the rider still holds a pack of that model
  deposit_not_set,      ///< "deposit.not_set": operator set no deposit for model and currency
  kyc_not_pending,      ///< "kyc.not_pending": approve/reject needs submitted documents
  kyc_documents_missing,///< "kyc.documents_missing": the policy asks for documents not submitted
  kyc_underage,         ///< "kyc.underage": younger than the policy's minimum age
  work_order_transition,///< "work_order.bad_transition"
  key_conflict,         ///< "ledger.key_conflict": an idempotency key reused for a different operation
  money_out_of_range,   ///< "money.out_of_range": an amount or balance beyond twin::money_limit_minor
};

/// The stable dotted code string of `e`, e.g. "kyc.unverified".
std::string_view code_string(errc e) noexcept;

/// A one-sentence human explanation of `e`, suitable after the code in a message.
std::string_view default_message(errc e) noexcept;

/// An error code with an optional detail saying which value was wrong.
struct error {
  errc code = errc::ok;
  std::string detail; ///< e.g. "station SN-42 is not known"

  /// "station.unknown: station SN-42 is not known" (detail or default message).
  std::string what() const;
};

/// Either a value or an error. Minimal stand-in for C++23 std::expected.
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  result(error e) : v_(std::move(e)) {}      // NOLINT
  result(errc c, std::string detail = {}) : v_(error{c, std::move(detail)}) {}

  /// True when a value is held.
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  /// The value; must hold one.
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  /// The error; must hold one.
  const error& err() const { assert(!ok()); return std::get<1>(v_); }
  /// The error code, or errc::ok when a value is held.
  errc code() const noexcept { return ok() ? errc::ok : std::get<1>(v_).code; }

 private:
  std::variant<T, error> v_;
};

/// Result of an operation that yields no value.
struct done {};
/// `result<done>` spelled for readability.
using status = result<done>;

}  // namespace swaptwin::twin
