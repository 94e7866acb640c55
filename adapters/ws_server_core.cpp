#include "adapters/ws_server_core.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string_view>

namespace swaptwin::adapters {

const char* to_string(ws_close_reason reason) noexcept {
  switch (reason) {
    case ws_close_reason::closed_by_peer: return "closed_by_peer";
    case ws_close_reason::closed_locally: return "closed_locally";
    case ws_close_reason::idle_timeout: return "idle_timeout";
    case ws_close_reason::too_big: return "too_big";
    case ws_close_reason::unsupported_data: return "unsupported_data";
    case ws_close_reason::slow_reader: return "slow_reader";
    case ws_close_reason::server_stop: return "server_stop";
    case ws_close_reason::error: return "error";
  }
  return "unknown";
}

namespace {
constexpr char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(const std::string& data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += b64_alphabet[(v >> 18) & 63];
    out += b64_alphabet[(v >> 12) & 63];
    out += b64_alphabet[(v >> 6) & 63];
    out += b64_alphabet[v & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += b64_alphabet[(v >> 18) & 63];
    out += b64_alphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? b64_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool base64_decode(const std::string& text, std::string& out) {
  out.clear();
  if (text.size() % 4 != 0) return false;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::array<int, 4> v{};
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=') {
        // Padding only in the last quantum's last one or two places.
        if (i + 4 != text.size() || k < 2) return false;
        ++pad;
        v[k] = 0;
      } else {
        if (pad > 0) return false;
        v[k] = b64_value(c);
        if (v[k] < 0) return false;
      }
    }
    const unsigned n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return true;
}

std::string ocpp_identity_problem(std::string_view id) {
  constexpr std::size_t max_chars = 48;
  const std::string allowed = "A-Z a-z 0-9 * - _ = + | @ .";
  if (id.empty()) return "no station id in the path";
  if (id.size() > max_chars)
    return "station id of " + std::to_string(id.size()) + " characters: OCPP allows at most 48";
  for (const char c : id) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = (u < 0x80 && std::isalnum(u)) || std::string_view{"*-_=+|@."}.find(c) != std::string_view::npos;
    if (ok) continue;
    // Never echo a raw byte: the answer and the logs stay printable ASCII.
    char shown[48];
    if (u == ' ') std::snprintf(shown, sizeof shown, "a space");
    else if (u > 0x20 && u < 0x7f) std::snprintf(shown, sizeof shown, "'%c'", c);
    else std::snprintf(shown, sizeof shown, "byte 0x%02X", u);
    return std::string{"station id holds "} + shown + ": an OCPP identity is 1 to 48 of " + allowed;
  }
  return {};
}

namespace ws_detail {

connection_impl::connection_impl(std::uint64_t id, std::string station_id, std::string remote,
                                 std::size_t max_messages, std::size_t max_bytes, bool authenticated)
    : id_(id), station_id_(std::move(station_id)), remote_(std::move(remote)), max_messages_(max_messages),
      max_bytes_(max_bytes), authenticated_(authenticated) {}

void connection_impl::attach(std::weak_ptr<session_base> session, std::string subprotocol) {
  session_ = std::move(session);
  subprotocol_ = std::move(subprotocol);
}

bool connection_impl::send(std::string text) {
  bool kick = false;
  bool overflow = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (refusing_) return false;
    if (queue_.size() + 1 > max_messages_ || bytes_ + text.size() > max_bytes_) {
      // The peer does not keep up: free the queue now rather than wait for the strand.
      overflow = true;
      refusing_ = true;
      bytes_ -= [this] {
        std::size_t queued = 0;
        for (const auto& m : queue_) queued += m.size();
        return queued;
      }();
      queue_.clear();
    } else {
      bytes_ += text.size();
      queue_.push_back(std::move(text));
      kick = !kick_posted_;
      kick_posted_ = true;
    }
  }
  auto session = session_.lock();
  if (!session) return !overflow;
  if (overflow) session->teardown(ws_close_reason::slow_reader);
  else if (kick) session->kick();
  auto* s = session.get();
  s->release(std::move(session));  // never the last reference on this (user) thread
  return !overflow;
}

void connection_impl::close(std::uint16_t code, std::string reason) {
  if (auto session = session_.lock()) {
    session->request_close(code, std::move(reason), ws_close_reason::closed_locally);
    auto* s = session.get();
    s->release(std::move(session));
  }
}

std::size_t connection_impl::queued_bytes() const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

bool connection_impl::pop(std::string& out) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (queue_.empty()) {
    kick_posted_ = false;
    return false;
  }
  out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void connection_impl::written(std::size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  bytes_ -= std::min(bytes, bytes_);
}

void connection_impl::refuse_sends() {
  std::lock_guard<std::mutex> lock(mutex_);
  refusing_ = true;
}

void connection_impl::drop() {
  std::lock_guard<std::mutex> lock(mutex_);
  refusing_ = true;
  queue_.clear();
  // The message being written (if any) is freed when its write fails, right after the socket
  // closes; counting it until then would show a dead connection holding memory.
  bytes_ = 0;
}

bool server_core::try_count() {
  std::size_t n = counted.load();
  while (n < options.max_connections) {
    if (counted.compare_exchange_weak(n, n + 1)) return true;
  }
  return false;
}

void server_core::uncount() { counted.fetch_sub(1); }

void server_core::add(std::uint64_t id, std::weak_ptr<session_base> session) {
  std::lock_guard<std::mutex> lock(mutex);
  sessions.emplace(id, std::move(session));
}

void server_core::remove(std::uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    sessions.erase(id);
  }
  idle_cv.notify_all();
}

std::vector<std::shared_ptr<session_base>> server_core::live() {
  std::vector<std::shared_ptr<session_base>> out;
  std::lock_guard<std::mutex> lock(mutex);
  for (auto& [id, weak] : sessions)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string station_id_of(const std::string& target, std::string* why) {
  auto fail = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return std::string{};
  };
  const std::string path = target.substr(0, target.find('?'));
  const auto slash = path.rfind('/');
  const std::string raw = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string id;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      id += raw[i];
      continue;
    }
    if (i + 2 >= raw.size()) return fail("bad percent-encoding in the station id");
    const int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
    if (hi < 0 || lo < 0) return fail("bad percent-encoding in the station id");
    id += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (auto problem = ocpp_identity_problem(id); !problem.empty()) return fail(std::move(problem));
  return id;
}

bool parse_basic(const std::string& header, ws_basic_credentials& out) {
  static const std::string scheme = "basic ";
  if (header.size() <= scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (static_cast<char>(std::tolower(static_cast<unsigned char>(header[i]))) != scheme[i]) return false;
  std::string token = header.substr(scheme.size());
  const auto first = token.find_first_not_of(' ');
  if (first == std::string::npos) return false;
  token = token.substr(first, token.find_last_not_of(' ') - first + 1);
  std::string decoded;
  if (!base64_decode(token, decoded)) return false;
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  out.user = decoded.substr(0, colon);
  out.password = decoded.substr(colon + 1);
  return true;
}

std::string pick_subprotocol(const std::vector<std::string>& supported, const std::vector<std::string>& offered) {
  for (const auto& s : supported)
    if (std::find(offered.begin(), offered.end(), s) != offered.end()) return s;
  return {};
}

}  // namespace ws_detail
}  // namespace swaptwin::adapters
