#pragma once
/// Riders and their real-name verification (KYC) under their country's policy.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "twin/country.hpp"
#include "twin/errors.hpp"
#include "twin/money.hpp"
#include "twin/plan.hpp"
#include "twin/time.hpp"

namespace swaptwin::twin {

/// Where a rider's identity check stands.
enum class kyc_status : std::uint8_t { unverified, pending, verified, rejected };
/// "unverified", "pending", "verified", "rejected".
std::string_view to_string(kyc_status s) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, kyc_status& out) noexcept;

/// A rider (customer). Money fields are in the currency of the rider's country.
struct rider {
  std::string id;
  std::string name;
  std::string country;                      ///< ISO 3166 alpha-2; selects the country_policy
  std::string phone;
  std::optional<civil_day> birth_date;
  kyc_status kyc = kyc_status::unverified;
  std::vector<std::string> kyc_documents;   ///< documents submitted, sorted, unique
  std::string kyc_note;                     ///< reviewer's reason on rejection
  int wh_per_km = 20;                       ///< the rider's vehicle consumption
  std::int64_t balance_minor = 0;           ///< wallet; negative means dues owed
  std::optional<unix_ms> owed_since;        ///< when the balance last went negative
  std::map<std::string, money> deposits;    ///< deposit held, by battery model id
  std::string holding_sn;                   ///< pack the rider holds, empty when none
  std::string holding_model;                ///< its model
  std::optional<subscription> plan;         ///< current plan, if any
  unix_ms created_at{};
};

/// Records documents (merged with earlier ones) and a birth date, and puts the rider under review.
status submit_kyc(rider& r, const std::vector<std::string>& documents, std::optional<civil_day> birth_date);

/// Reviews a pending rider against `policy` on day `today`: verified when every required document
/// is there and the rider is old enough; otherwise refused with kyc.documents_missing or
/// kyc.underage and the rider stays pending.
status approve_kyc(rider& r, const country_policy& policy, civil_day today);

/// Rejects a pending rider with a reason shown to them.
status reject_kyc(rider& r, std::string reason);

/// The KYC gate of a swap: ok for a rider verified under `policy` as it is today, else the refusal
/// (kyc.unverified, kyc.pending, kyc.rejected, kyc.incomplete).
errc kyc_gate(const rider& r, const country_policy& policy, civil_day today);

}  // namespace swaptwin::twin
