#include "twin/errors.hpp"

namespace swaptwin::twin {

namespace {
struct entry {
  std::string_view code;
  std::string_view message;
};

entry describe(errc e) noexcept {
  switch (e) {
    case errc::ok: return {"ok", "no error"};
    case errc::country_unknown: return {"country.unknown", "no policy is set for this country"};
    case errc::kyc_unverified: return {"kyc.unverified", "the rider has not submitted identity documents"};
    case errc::kyc_pending: return {"kyc.pending", "the rider's identity check is still under review"};
    case errc::kyc_rejected: return {"kyc.rejected", "the rider's identity check was rejected"};
    case errc::kyc_incomplete: return {"kyc.incomplete", "the country's policy now requires documents the rider has not given"};
    case errc::deposit_missing: return {"deposit.missing", "no deposit is held for this battery model"};
    case errc::plan_none: return {"plan.none", "the rider has no plan"};
    case errc::plan_expired: return {"plan.expired", "the rider's plan has expired"};
    case errc::plan_exhausted: return {"plan.exhausted", "the rider's plan has no swaps or kilometres left"};
    case errc::payment_overdue: return {"payment.overdue", "unpaid dues are older than the grace period"};
    case errc::payment_insufficient: return {"payment.insufficient_funds", "the prepaid wallet cannot pay for usage"};
    case errc::rider_other_model: return {"rider.other_model", "the rider holds a pack of another model"};
    case errc::station_offline: return {"station.offline", "the station is offline"};
    case errc::station_disabled: return {"station.disabled", "the station is out of service"};
    case errc::slot_unavailable: return {"slot.unavailable", "no working empty slot can take the returned pack"};
    case errc::stock_empty: return {"stock.empty", "no charged pack of this model is ready"};
    case errc::invalid_argument: return {"input.invalid", "invalid input"};
    case errc::money_malformed: return {"money.malformed", "expected an amount like \"300.00 CNY\""};
    case errc::currency_unknown: return {"money.unknown_currency", "not an ISO 4217 currency swaptwin knows"};
    case errc::currency_mismatch: return {"money.currency_mismatch", "amounts are in different currencies"};
    case errc::station_unknown: return {"station.unknown", "no station has this SN"};
    case errc::station_duplicate: return {"station.duplicate", "a station with this SN already exists"};
    case errc::name_empty: return {"station.name_empty", "a name must not be empty"};
    case errc::rider_unknown: return {"rider.unknown", "no rider has this id"};
    case errc::rider_duplicate: return {"rider.duplicate", "a rider with this id already exists"};
    case errc::model_unknown: return {"model.unknown", "no battery model has this id"};
    case errc::plan_unknown: return {"plan.unknown", "no plan has this id"};
    case errc::plan_duplicate: return {"plan.duplicate", "a plan with this id already exists"};
    case errc::plan_retired: return {"plan.retired", "the plan is retired and cannot be sold"};
    case errc::plan_active: return {"plan.active", "the rider has another plan that is still active"};
    case errc::agent_unknown: return {"agent.unknown", "no agent has this id"};
    case errc::agent_duplicate: return {"agent.duplicate", "an agent with this id already exists"};
    case errc::deposit_paid: return {"deposit.already_paid", "the rider already holds a deposit for this model"};
    case errc::deposit_pack_out: return {"deposit.pack_out", "the rider still holds a pack of this model"};
    case errc::deposit_not_set: return {"deposit.not_set", "no deposit amount is set for this model and currency"};
    case errc::kyc_not_pending: return {"kyc.not_pending", "the rider has no identity check under review"};
    case errc::kyc_documents_missing: return {"kyc.documents_missing", "documents the country's policy requires are missing"};
    case errc::kyc_underage: return {"kyc.underage", "the rider is younger than the country's minimum age"};
    case errc::work_order_transition: return {"work_order.bad_transition", "this work order cannot move to that state"};
    case errc::key_conflict: return {"ledger.key_conflict", "this idempotency key was already used for a different operation"};
    case errc::money_out_of_range: return {"money.out_of_range", "the amount or balance would leave the range swaptwin keeps money in"};
  }
  return {"unknown", "unknown error"};
}
}  // namespace

std::string_view code_string(errc e) noexcept { return describe(e).code; }

std::string_view default_message(errc e) noexcept { return describe(e).message; }

std::string error::what() const {
  std::string out{code_string(code)};
  out += ": ";
  out += detail.empty() ? std::string{default_message(code)} : detail;
  return out;
}

}  // namespace swaptwin::twin
