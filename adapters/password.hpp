#pragma once
/// Cabinet passwords (OCPP security profile 1: HTTP Basic). Only a salted PBKDF2-HMAC-SHA256 hash
/// is stored, as "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX", so the iteration count can be raised
/// later without invalidating stored hashes. OCPP asks for passwords of 16 to 40 characters, which
/// is what makes a modest iteration count safe and keeps 10,000 cabinets reconnecting at once cheap.

#include <string>
#include <string_view>

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

/// A random password of `length` letters and digits (for `station set-password --generate`).
std::string generate_password(int length = 24);

}  // namespace swaptwin::adapters
