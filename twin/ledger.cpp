#include "twin/ledger.hpp"

namespace swaptwin::twin {

namespace {
constexpr posting_kind all_kinds[] = {posting_kind::deposit_in,    posting_kind::deposit_refund,
                                      posting_kind::dues_payment,  posting_kind::wallet_topup,
                                      posting_kind::plan_purchase, posting_kind::usage_charge,
                                      posting_kind::tax};
}

std::string_view to_string(posting_kind k) noexcept {
  switch (k) {
    case posting_kind::deposit_in: return "deposit_in";
    case posting_kind::deposit_refund: return "deposit_refund";
    case posting_kind::dues_payment: return "dues_payment";
    case posting_kind::wallet_topup: return "wallet_topup";
    case posting_kind::plan_purchase: return "plan_purchase";
    case posting_kind::usage_charge: return "usage_charge";
    case posting_kind::tax: return "tax";
  }
  return "usage_charge";
}

bool from_string(std::string_view s, posting_kind& out) noexcept {
  for (auto k : all_kinds)
    if (to_string(k) == s) {
      out = k;
      return true;
    }
  return false;
}

bool is_revenue(posting_kind k) noexcept {
  return k == posting_kind::plan_purchase || k == posting_kind::usage_charge;
}

std::int64_t wallet_delta(posting_kind kind, std::int64_t amount_minor, std::optional<posting_kind> taxed) noexcept {
  switch (kind) {
    case posting_kind::wallet_topup:
    case posting_kind::dues_payment: return amount_minor;
    case posting_kind::usage_charge: return -amount_minor;
    case posting_kind::tax: return taxed == posting_kind::usage_charge ? -amount_minor : 0;
    case posting_kind::deposit_in:
    case posting_kind::deposit_refund:
    case posting_kind::plan_purchase: return 0;
  }
  return 0;
}

std::string taxed_key(std::string_view tax_key) {
  constexpr std::string_view suffix = ":tax";
  if (tax_key.size() <= suffix.size() || tax_key.substr(tax_key.size() - suffix.size()) != suffix) return {};
  return std::string{tax_key.substr(0, tax_key.size() - suffix.size())};
}

bool ledger::append(posting p) {
  if (!keys_.insert(p.key).second) return false;
  postings_.push_back(std::move(p));
  return true;
}

std::map<std::string, std::int64_t> ledger::revenue_by_currency() const {
  std::map<std::string, std::int64_t> out;
  for (const auto& p : postings_)
    if (is_revenue(p.kind)) out[p.amount.currency] += p.amount.minor;
  return out;
}

}  // namespace swaptwin::twin
