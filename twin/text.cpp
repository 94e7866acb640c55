#include "twin/text.hpp"

#include <cctype>
#include <cstdint>

namespace swaptwin::twin {

bool valid_utf8(std::string_view s) noexcept {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    std::uint32_t cp = 0;
    if ((c >> 5) == 0x6) n = 1, cp = c & 0x1Fu;
    else if ((c >> 4) == 0xE) n = 2, cp = c & 0x0Fu;
    else if ((c >> 3) == 0x1E) n = 3, cp = c & 0x07u;
    else return false;  // a continuation byte or 0xF8.. where a sequence should start
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    bool overlong = (n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

result<std::string> clean_name(std::string_view raw, std::string_view what, errc empty_code, std::size_t max_chars) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front()))) raw.remove_prefix(1);
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  const std::string field{what};
  if (raw.empty()) return error{empty_code, field + " is empty"};
  if (!valid_utf8(raw)) return error{errc::invalid_argument, field + " is not valid UTF-8 text"};
  std::size_t chars = 0;
  for (char ch : raw) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return error{errc::invalid_argument, field + " contains a control character"};
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (chars > max_chars)
    return error{errc::invalid_argument, field + " has more than " + std::to_string(max_chars) + " characters"};
  return std::string{raw};
}

}  // namespace swaptwin::twin
