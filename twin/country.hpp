#pragma once
/// Country policies: what a rider of a country must satisfy and how they pay.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace swaptwin::twin {

/// Prepaid riders pay before use (wallet); postpaid riders accrue dues and pay within grace days.
enum class payment_terms : std::uint8_t { prepaid, postpaid };
/// "prepaid" or "postpaid".
std::string_view to_string(payment_terms t) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, payment_terms& out) noexcept;

/// The rules of one country (ISO 3166-1 alpha-2 code).
struct country_policy {
  std::string country;                       ///< "CN", "KE"
  std::string currency;                      ///< ISO 4217, the currency riders there pay in
  std::vector<std::string> kyc_documents;    ///< e.g. {"national_id", "selfie"}
  int min_age_years = 16;
  payment_terms terms = payment_terms::prepaid;
  int grace_days = 0;                        ///< postpaid: days dues may stay unpaid
  int tax_rate_bp = 0;                       ///< tax added to prices, basis points (1300 = 13 %)
};

/// Checks a policy's own consistency (code shapes, known currency, ranges). Empty when fine,
/// else a message naming the field.
std::string validate(const country_policy& p);

}  // namespace swaptwin::twin
