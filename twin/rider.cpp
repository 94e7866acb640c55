#include "twin/rider.hpp"

#include <algorithm>

namespace swaptwin::twin {

std::string_view to_string(kyc_status s) noexcept {
  switch (s) {
    case kyc_status::unverified: return "unverified";
    case kyc_status::pending: return "pending";
    case kyc_status::verified: return "verified";
    case kyc_status::rejected: return "rejected";
  }
  return "unverified";
}

bool from_string(std::string_view s, kyc_status& out) noexcept {
  for (auto v : {kyc_status::unverified, kyc_status::pending, kyc_status::verified, kyc_status::rejected})
    if (to_string(v) == s) {
      out = v;
      return true;
    }
  return false;
}

namespace {
std::vector<std::string> missing_documents(const rider& r, const country_policy& policy) {
  std::vector<std::string> missing;
  for (const auto& d : policy.kyc_documents)
    if (!std::binary_search(r.kyc_documents.begin(), r.kyc_documents.end(), d)) missing.push_back(d);
  return missing;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}
}  // namespace

status submit_kyc(rider& r, const std::vector<std::string>& documents, std::optional<civil_day> birth_date) {
  if (documents.empty() && !birth_date)
    return error{errc::invalid_argument, "give at least one document or a birth date"};
  for (const auto& d : documents)
    if (d.empty()) return error{errc::invalid_argument, "a document name is empty"};
  r.kyc_documents.insert(r.kyc_documents.end(), documents.begin(), documents.end());
  std::sort(r.kyc_documents.begin(), r.kyc_documents.end());
  r.kyc_documents.erase(std::unique(r.kyc_documents.begin(), r.kyc_documents.end()), r.kyc_documents.end());
  if (birth_date) r.birth_date = birth_date;
  r.kyc = kyc_status::pending;
  r.kyc_note.clear();
  return done{};
}

status approve_kyc(rider& r, const country_policy& policy, civil_day today) {
  if (r.kyc != kyc_status::pending)
    return error{errc::kyc_not_pending, "rider " + r.id + " is " + std::string{to_string(r.kyc)} + ", not pending"};
  auto missing = missing_documents(r, policy);
  if (!missing.empty())
    return error{errc::kyc_documents_missing,
                 "rider " + r.id + " lacks " + join(missing) + " required in " + policy.country};
  if (policy.min_age_years > 0) {
    if (!r.birth_date)
      return error{errc::kyc_documents_missing, "rider " + r.id + " has no birth date; " + policy.country +
                                                    " requires age " + std::to_string(policy.min_age_years)};
    int age = age_years(*r.birth_date, today);
    if (age < policy.min_age_years)
      return error{errc::kyc_underage, "rider " + r.id + " is " + std::to_string(age) + "; " + policy.country +
                                           " requires " + std::to_string(policy.min_age_years)};
  }
  r.kyc = kyc_status::verified;
  return done{};
}

status reject_kyc(rider& r, std::string reason) {
  if (r.kyc != kyc_status::pending)
    return error{errc::kyc_not_pending, "rider " + r.id + " is " + std::string{to_string(r.kyc)} + ", not pending"};
  r.kyc = kyc_status::rejected;
  r.kyc_note = std::move(reason);
  return done{};
}

errc kyc_gate(const rider& r, const country_policy& policy, civil_day today) {
  switch (r.kyc) {
    case kyc_status::unverified: return errc::kyc_unverified;
    case kyc_status::pending: return errc::kyc_pending;
    case kyc_status::rejected: return errc::kyc_rejected;
    case kyc_status::verified: break;
  }
  // Verified earlier, but the policy may have tightened since: re-check it as it is now.
  if (!missing_documents(r, policy).empty()) return errc::kyc_incomplete;
  if (policy.min_age_years > 0 && (!r.birth_date || age_years(*r.birth_date, today) < policy.min_age_years))
    return errc::kyc_incomplete;
  return errc::ok;
}

}  // namespace swaptwin::twin
