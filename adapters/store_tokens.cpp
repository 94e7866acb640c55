// The store's API tokens and audit trail (migration 7; issue 5's operator API).
//
// Secrets are hashed with one SHA-256, not PBKDF2 (password.hpp). Key stretching buys time against
// guessing a low-entropy secret; a token secret is 32 bytes from RAND_bytes (256 bits), which no
// amount of guessing reaches, so stretching would add nothing but ~3 ms of CPU to every API request
// (and make a flood of bad bearers a cheap denial of service). A stolen database still yields no
// usable bearer: SHA-256 is not invertible and the secret space cannot be enumerated.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <limits>

#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "twin/text.hpp"

namespace swaptwin::adapters {

using namespace twin;

namespace {
constexpr std::size_t secret_bytes = 32, id_bytes = 6;
constexpr std::size_t secret_chars = 43;  // base64url of 32 bytes, no padding
constexpr std::string_view id_prefix = "tok_", hash_scheme = "sha256$";

bool random_fill(unsigned char* out, std::size_t n) { return RAND_bytes(out, static_cast<int>(n)) == 1; }

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::string base64url(const unsigned char* p, std::size_t n) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | p[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
  return out;
}

bool is_base64url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string hash_secret(std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(secret.data(), secret.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
    throw sql::store_error("SHA-256 failed (OpenSSL)");
  return std::string{hash_scheme} + hex(md.data(), len);
}

token_info read_token(sql::statement& q) {  // columns: id, name, role, created_at_ms, revoked_at_ms
  token_info t;
  t.id = q.text(0);
  t.name = q.text(1);
  const auto r = parse_role(q.text(2));
  if (!r) throw sql::store_error("api_tokens.role: unexpected value \"" + q.text(2) + "\"");
  t.granted = *r;
  t.created_at = from_ms(q.int64(3));
  if (auto v = q.opt_int64(4)) t.revoked_at = from_ms(*v);
  return t;
}

constexpr const char* token_columns = "SELECT id, name, role, created_at_ms, revoked_at_ms FROM api_tokens";
}  // namespace

result<issued_token> store::add_token(const std::string& name, role r, unix_ms now) {
  auto checked = clean_name(name, "token name");  // trimmed UTF-8, no control characters, 1..64 characters
  if (!checked) return checked.err();
  const auto clean = checked.value();
  std::array<unsigned char, secret_bytes> secret{};
  if (!random_fill(secret.data(), secret.size()))
    return error{errc::invalid_argument, "no random bytes available for the token's secret"};
  issued_token out;
  out.secret = base64url(secret.data(), secret.size());
  const auto hash = hash_secret(out.secret);
  OPENSSL_cleanse(secret.data(), secret.size());

  sql::transaction tx{*db_};
  // 48 random bits: a clash is unlikely, and handled by drawing again rather than failing.
  for (int attempt = 0; out.id.empty() && attempt < 8; ++attempt) {
    std::array<unsigned char, id_bytes> raw{};
    if (!random_fill(raw.data(), raw.size()))
      return error{errc::invalid_argument, "no random bytes available for the token's id"};
    const auto id = std::string{id_prefix} + hex(raw.data(), raw.size());
    db_->prepare("INSERT INTO api_tokens (id, name, role, secret_hash, created_at_ms) VALUES (?, ?, ?, ?, ?) "
                 "ON CONFLICT (id) DO NOTHING")
        ->bind_all(id, clean, std::string{to_string(r)}, hash, to_ms(now))
        .run();
    if (db_->changes() == 1) out.id = id;
  }
  if (out.id.empty()) throw sql::store_error("api_tokens: could not draw an unused token id");
  tx.commit();
  return out;
}

std::vector<token_info> store::tokens() {
  std::vector<token_info> out;
  auto q = db_->prepare(std::string{token_columns} + " ORDER BY created_at_ms, rowid");
  while (q->step()) out.push_back(read_token(*q));
  return out;
}

std::optional<token_info> store::token(const std::string& id) {
  auto q = db_->prepare(std::string{token_columns} + " WHERE id = ?");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return read_token(*q);
}

revoke_outcome store::revoke_token(const std::string& id, unix_ms now) {
  sql::transaction tx{*db_};
  auto t = token(id);
  if (!t) return revoke_outcome::unknown;
  if (t->revoked_at) return revoke_outcome::already_revoked;
  db_->prepare("UPDATE api_tokens SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL")
      ->bind_all(to_ms(now), id)
      .run();
  tx.commit();
  return revoke_outcome::revoked;
}

std::optional<token_info> store::authenticate(std::string_view bearer) {
  const auto dot = bearer.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto id = bearer.substr(0, dot), secret = bearer.substr(dot + 1);
  if (id.size() != id_prefix.size() + 2 * id_bytes || id.substr(0, id_prefix.size()) != id_prefix ||
      !is_hex(id.substr(id_prefix.size())) || secret.size() != secret_chars || !is_base64url(secret))
    return std::nullopt;
  std::optional<token_info> found;
  std::string stored;
  {
    auto q = db_->prepare("SELECT id, name, role, created_at_ms, revoked_at_ms, secret_hash FROM api_tokens WHERE id = ?");
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    found = read_token(*q);
    stored = q->text(5);
  }
  // Hash and compare even for a revoked token: the answer's timing says nothing about the secret.
  const auto got = hash_secret(secret);
  const bool match = got.size() == stored.size() && CRYPTO_memcmp(got.data(), stored.data(), got.size()) == 0;
  if (!match || found->revoked_at) return std::nullopt;
  return found;
}

std::int64_t store::record_audit(const audit_entry& e) {
  sql::transaction tx{*db_};
  db_->prepare("INSERT INTO audit (at_ms, token_id, role, action, target, detail, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)")
      ->bind_all(to_ms(e.at), e.token_id, e.role, e.action, e.target, e.detail, e.outcome)
      .run();
  const auto id = db_->last_insert_rowid();
  tx.commit();
  return id;
}

std::vector<audit_entry> store::audit(std::optional<unix_ms> since, std::size_t limit) {
  std::vector<audit_entry> out;
  auto q = db_->prepare("SELECT id, at_ms, token_id, role, action, target, detail, outcome FROM audit "
                        "WHERE at_ms >= ? ORDER BY at_ms, id LIMIT ?");
  q->bind_all(since ? to_ms(*since) : std::numeric_limits<std::int64_t>::min(),
              static_cast<std::int64_t>(std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  while (q->step()) {
    audit_entry e;
    e.id = q->int64(0);
    e.at = from_ms(q->int64(1));
    e.token_id = q->text(2);
    e.role = q->text(3);
    e.action = q->text(4);
    e.target = q->text(5);
    e.detail = q->text(6);
    e.outcome = q->text(7);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace swaptwin::adapters
