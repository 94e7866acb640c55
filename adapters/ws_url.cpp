// Beast-free parts of the client's API: URL parsing and status names.
#include <string>

#include "adapters/ws_client.hpp"

namespace swaptwin::adapters {

const char* to_string(ws_connect_status status) noexcept {
  switch (status) {
    case ws_connect_status::connected: return "connected";
    case ws_connect_status::declined: return "declined";
    case ws_connect_status::bad_subprotocol: return "bad_subprotocol";
    case ws_connect_status::timeout: return "timeout";
    case ws_connect_status::failed: return "failed";
  }
  return "unknown";
}

bool parse_ws_url(const std::string& url, ws_client_options& out, std::string* error) {
  auto fail = [&](const char* why) {
    if (error) *error = std::string(why) + ": " + url;
    return false;
  };
  std::string rest;
  if (url.rfind("ws://", 0) == 0) {
    out.tls = false;
    rest = url.substr(5);
  } else if (url.rfind("wss://", 0) == 0) {
    out.tls = true;
    rest = url.substr(6);
  } else {
    return fail("not a ws:// or wss:// URL");
  }
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos || authority.back() == ']') {
    out.host = authority;
    out.port = out.tls ? 443 : 80;
  } else {
    out.host = authority.substr(0, colon);
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return fail("bad port");
    const unsigned long p = std::stoul(port);
    if (p == 0 || p > 65535) return fail("bad port");
    out.port = static_cast<std::uint16_t>(p);
  }
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
  if (out.host.empty()) return fail("no host");
  return true;
}

}  // namespace swaptwin::adapters
