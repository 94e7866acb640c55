#pragma once
/// Cabinet passwords (OCPP security profile 1: HTTP Basic). Only a salted PBKDF2-HMAC-SHA256 hash
/// is stored, as "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX", so the iteration count can be raised
/// later without invalidating stored hashes. OCPP asks for passwords of 16 to 40 characters, which
/// is what makes a modest iteration count safe and keeps 10,000 cabinets reconnecting at once cheap.

#include <string>
#include <string_view>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace swaptwin::adapters {

/// PBKDF2 iterations of new hashes (about 3 ms each on this project's machine).
constexpr int password_iterations = 10000;

/// Empty when `password` is acceptable for a cabinet: 16 to 40 printable ASCII characters, no
/// spaces or colons (it travels as "SN:password" in HTTP Basic). Otherwise why not.
std::string validate_cabinet_password(std::string_view password);

/// A new salted hash of `password`.
std::string hash_password(std::string_view password, int iterations = password_iterations);

/// True when `password` matches `stored` (a hash_password result); false for anything malformed.
/// The comparison takes the same time wherever the first difference is.
bool verify_password(std::string_view password, std::string_view stored);

/// Remembers which cabinet passwords verified against which stored hash, so a cabinet that
/// connects again (a reconnect storm after a network failure, a client retrying an upgrade that
/// timed out while PBKDF2 checks queued) costs one HMAC instead of a PBKDF2. It keeps an HMAC of
/// the password under a random per-process key, never the password, and one entry per station; a
/// changed stored hash (set-password) misses. Thread-safe.
class password_cache {
 public:
  /// An empty cache with a fresh random key.
  password_cache();
  /// As verify_password(password, stored), from the cache when `sn` verified this password against
  /// this `stored` hash before.
  bool verify(const std::string& sn, std::string_view password, const std::string& stored);
  /// Checks answered from the cache so far.
  std::size_t hits() const;

 private:
  std::string digest(std::string_view password) const;
  mutable std::mutex m_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> verified_;  // sn -> (stored, digest)
  std::string key_;
  std::size_t hits_ = 0;
};

/// A random password of `length` letters and digits (for `station set-password --generate`).
std::string generate_password(int length = 24);

}  // namespace swaptwin::adapters
