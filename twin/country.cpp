#include "twin/country.hpp"

#include <cctype>

#include "twin/money.hpp"

namespace swaptwin::twin {

std::string_view to_string(payment_terms t) noexcept {
  return t == payment_terms::prepaid ? "prepaid" : "postpaid";
}

bool from_string(std::string_view s, payment_terms& out) noexcept {
  if (s == "prepaid") out = payment_terms::prepaid;
  else if (s == "postpaid") out = payment_terms::postpaid;
  else return false;
  return true;
}

std::string validate(const country_policy& p) {
  if (p.country.size() != 2 || !std::isupper(static_cast<unsigned char>(p.country[0])) ||
      !std::isupper(static_cast<unsigned char>(p.country[1])))
    return "country: expected an ISO 3166 alpha-2 code like CN, got \"" + p.country + "\"";
  if (!find_currency(p.currency)) return "currency: unknown ISO 4217 code \"" + p.currency + "\"";
  if (p.min_age_years < 0 || p.min_age_years > 120) return "min_age: expected 0..120";
  if (p.grace_days < 0 || p.grace_days > 365) return "grace_days: expected 0..365";
  if (p.terms == payment_terms::prepaid && p.grace_days != 0) return "grace_days: only postpaid terms have grace days";
  if (p.tax_rate_bp < 0 || p.tax_rate_bp > 10000) return "tax: expected 0%..100%";
  for (const auto& d : p.kyc_documents)
    if (d.empty()) return "kyc_documents: empty document name";
  return {};
}

}  // namespace swaptwin::twin
