#pragma once
/// API tokens, their roles and the audit trail (issue 5): the values the store keeps
/// (store::add_token, authenticate, record_audit, ...) and the role check the operator API uses.
/// No SQLite, no OpenSSL here: the API and the CLI include it freely.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "twin/time.hpp"

namespace swaptwin::adapters {

/// What a token may do. Ordered: each role may do everything the ones below it may.
enum class role : std::uint8_t {
  viewer = 1,     ///< "viewer": reads (stations, riders, dashboard, the feed)
  operator_ = 2,  ///< "operator": acts (accept/reject a station, rename, disable a slot, verify a rider, work orders)
  admin = 3,      ///< "admin": manages tokens, deposits and plans
};

/// True when a token of role `have` may do what needs role `need` (viewer < operator < admin).
constexpr bool role_allows(role have, role need) noexcept {
  return static_cast<std::uint8_t>(have) >= static_cast<std::uint8_t>(need);
}

/// "viewer", "operator" or "admin" (as stored and as typed on the command line).
constexpr std::string_view to_string(role r) noexcept {
  switch (r) {
    case role::viewer: return "viewer";
    case role::operator_: return "operator";
    case role::admin: return "admin";
  }
  return "viewer";
}

/// The role spelled `text` ("viewer", "operator", "admin"; exact, lower case); nullopt otherwise.
constexpr std::optional<role> parse_role(std::string_view text) noexcept {
  if (text == "viewer") return role::viewer;
  if (text == "operator") return role::operator_;
  if (text == "admin") return role::admin;
  return std::nullopt;
}

/// The allowed role spellings, for error messages: "viewer, operator, admin".
constexpr std::string_view role_names = "viewer, operator, admin";

/// A token as the store lists it. Never holds the secret (only its hash is stored).
struct token_info {
  std::string id;                       ///< public id, "tok_" + 12 hex digits
  std::string name;                     ///< who or what holds it, e.g. "bi-export"
  role granted = role::viewer;          ///< what it may do
  twin::unix_ms created_at{};
  std::optional<twin::unix_ms> revoked_at;  ///< set once revoked; a revoked token never authenticates again
};

/// A token just created: the only moment its secret exists outside the holder's hands.
struct issued_token {
  std::string id;      ///< the public id (as in token_info)
  std::string secret;  ///< 32 random bytes, base64url without padding (43 characters)
  /// The bearer string to give the holder: "<id>.<secret>" (HTTP `Authorization: Bearer <this>`).
  std::string bearer() const { return id + "." + secret; }
};

/// What store::revoke_token did.
enum class revoke_outcome {
  revoked,          ///< revoked now
  already_revoked,  ///< it was revoked before; its revocation time is kept
  unknown,          ///< no token has this id
};

/// One line of the audit trail: who (token and its role), did what, to what, when, and how it ended.
struct audit_entry {
  std::int64_t id = 0;        ///< assigned by the store (increasing); ignored by record_audit
  twin::unix_ms at{};
  std::string token_id;       ///< the acting token's id; "cli" for `swaptwin admin` on the database itself
  std::string role;           ///< the acting token's role ("viewer", "operator", "admin"); may be empty when unauthenticated
  std::string action;         ///< e.g. "token.add", "station.rename", "slot.disable"
  std::string target;         ///< what it acted on, e.g. a station SN or a token id
  std::string detail = "{}";  ///< a JSON document (the request's fields); the store refuses text that is not JSON
  std::string outcome = "ok"; ///< "ok", or the error code it ended with (e.g. "station.unknown")
};

/// The audit actor id used by the command line (`swaptwin admin token ...`).
inline constexpr std::string_view cli_actor = "cli";

}  // namespace swaptwin::adapters
