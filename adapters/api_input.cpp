// The operator API's checks of untrusted input (api_internal.hpp): percent-decoding of paths and
// queries, the Authorization scheme, JSON nesting, and audit details that always fit the trail.
#include <openssl/evp.h>

#include <array>

#include "adapters/api_internal.hpp"
#include "twin/text.hpp"

namespace swaptwin::adapters::api_detail {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool has_control(std::string_view s) {
  for (const unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

// At most 64 bytes of `raw` for a message (the reply writes bytes that are not UTF-8 as U+FFFD).
std::string excerpt(std::string_view raw) {
  return raw.size() <= 64 ? std::string{raw} : std::string{raw.substr(0, 64)} + "...";
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) return "unavailable";
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;  // "%" or "%4" at the end
      const int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
  }
  return out;
}

decoded_path split_path(std::string_view path) {
  decoded_path out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const auto j = path.find('/', i);
    const auto end = j == std::string_view::npos ? path.size() : j;
    if (end > i) {
      const auto raw = path.substr(i, end - i);
      auto seg = percent_decode(raw, false);
      if (!seg) out.problem = "the path segment \"" + excerpt(raw) + "\" has a malformed percent escape: write a byte as % and two hex digits (%2F for /)";
      else if (!twin::valid_utf8(*seg)) out.problem = "the path segment \"" + excerpt(raw) + "\" is not UTF-8 once percent-decoded";
      else if (has_control(*seg)) out.problem = "the path segment \"" + excerpt(raw) + "\" holds a control character";
      if (!out.problem.empty()) {
        out.segments.clear();
        return out;
      }
      out.segments.push_back(std::move(*seg));
    }
    i = end;
  }
  return out;
}

std::optional<query_params> parse_query(std::string_view query, std::string* problem) {
  query_params out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value) {
      if (problem) *problem = "the query part \"" + excerpt(pair) + "\" has a malformed percent escape: write a byte as % and two hex digits";
      return std::nullopt;
    }
    if (!twin::valid_utf8(*name) || !twin::valid_utf8(*value)) {
      if (problem) *problem = "the query part \"" + excerpt(pair) + "\" is not UTF-8 once percent-decoded";
      return std::nullopt;
    }
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::optional<std::string> query_param(const query_params& q, std::string_view name) {
  for (const auto& [n, v] : q)
    if (n == name) return v;
  return std::nullopt;
}

std::optional<std::string_view> bearer_of(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return std::nullopt;
  }
  auto rest = authorization.substr(scheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return std::nullopt;  // "Bearerx" is another scheme
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

bool json_deeper_than(std::string_view text, std::size_t depth_max) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // the escaped character cannot end the string
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > depth_max) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

parsed_body parse_object(std::string_view text, std::size_t depth_max) {
  parsed_body out;
  if (json_deeper_than(text, depth_max)) {
    out.problem = "nested deeper than " + std::to_string(depth_max) + " levels";
    return out;
  }
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    out.problem = "not a JSON object";
    return out;
  }
  out.object = std::move(j);
  return out;
}

json body_summary(std::string_view raw, const std::string& problem) {
  return {{"body_bytes", raw.size()}, {"body_sha256", sha256_hex(raw)}, {"body_error", problem}};
}

std::string audit_detail(const json& body) {
  auto text = body.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() <= audit_detail_max) return text;
  return body_summary(text, "over " + std::to_string(audit_detail_max) + " bytes as JSON: not kept").dump();
}

}  // namespace swaptwin::adapters::api_detail
