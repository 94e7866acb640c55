#include "adapters/password.hpp"

#include <cstdint>
#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace swaptwin::adapters {

namespace {
constexpr int salt_bytes = 16, hash_bytes = 32;

std::string hex(const std::vector<unsigned char>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

bool unhex(std::string_view text, std::vector<unsigned char>& out) {
  if (text.size() % 2) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out.clear();
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return true;
}

std::vector<unsigned char> derive(std::string_view password, const std::vector<unsigned char>& salt, int iterations) {
  std::vector<unsigned char> out(hash_bytes);
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                    iterations, EVP_sha256(), hash_bytes, out.data());
  return out;
}

std::vector<unsigned char> random_bytes(int n) {
  std::vector<unsigned char> out(static_cast<std::size_t>(n));
  if (RAND_bytes(out.data(), n) != 1) out.clear();  // no entropy: the caller refuses to go on
  return out;
}
}  // namespace

std::string validate_cabinet_password(std::string_view password) {
  if (password.size() < 16 || password.size() > 40) return "expected 16 to 40 characters (OCPP BasicAuthPassword)";
  for (char c : password)
    if (c <= ' ' || c > '~' || c == ':') return "expected printable ASCII without spaces or colons";
  return {};
}

std::string hash_password(std::string_view password, int iterations) {
  auto salt = random_bytes(salt_bytes);
  if (salt.empty()) return {};
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + hex(salt) + "$" + hex(derive(password, salt, iterations));
}

bool verify_password(std::string_view password, std::string_view stored) {
  constexpr std::string_view scheme = "pbkdf2-sha256$";
  if (stored.substr(0, scheme.size()) != scheme) return false;
  stored.remove_prefix(scheme.size());
  const auto d1 = stored.find('$');
  const auto d2 = d1 == std::string_view::npos ? d1 : stored.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  int iterations = 0;
  for (char c : stored.substr(0, d1)) {
    if (c < '0' || c > '9' || iterations > 10'000'000) return false;
    iterations = iterations * 10 + (c - '0');
  }
  std::vector<unsigned char> salt, expected;
  if (iterations < 1 || !unhex(stored.substr(d1 + 1, d2 - d1 - 1), salt) || !unhex(stored.substr(d2 + 1), expected) ||
      expected.size() != hash_bytes)
    return false;
  const auto got = derive(password, salt, iterations);
  return CRYPTO_memcmp(got.data(), expected.data(), hash_bytes) == 0;
}

std::string generate_password(int length) {
  static const char* alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  constexpr int n = 57;
  std::string out;
  while (static_cast<int>(out.size()) < length) {
    auto bytes = random_bytes(64);
    if (bytes.empty()) return {};
    for (auto b : bytes)  // rejection sampling: no bias towards the first letters
      if (b < 4 * n && static_cast<int>(out.size()) < length) out += alphabet[b % n];
  }
  return out;
}

password_cache::password_cache() {
  key_.resize(32);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key_.data()), static_cast<int>(key_.size())) != 1)
    throw std::runtime_error("password_cache: no random bytes for its key");
}

std::string password_cache::digest(std::string_view password) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(password.data()),
       password.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

bool password_cache::verify(const std::string& sn, std::string_view password, const std::string& stored) {
  const auto d = digest(password);
  {
    std::lock_guard<std::mutex> lock(m_);
    auto it = verified_.find(sn);
    if (it != verified_.end() && it->second.first == stored &&
        CRYPTO_memcmp(it->second.second.data(), d.data(), d.size()) == 0 && it->second.second.size() == d.size()) {
      ++hits_;
      return true;
    }
  }
  if (!verify_password(password, stored)) return false;
  std::lock_guard<std::mutex> lock(m_);
  verified_[sn] = {stored, d};
  return true;
}

std::size_t password_cache::hits() const {
  std::lock_guard<std::mutex> lock(m_);
  return hits_;
}

}  // namespace swaptwin::adapters
