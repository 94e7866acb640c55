// Reading one HTTP/1.1 request within the API's limits (api_http.hpp), shared by the server's
// sockets and the socket-free entry point handle_raw_api_request (api_request.hpp).
#include "adapters/api_http.hpp"

#include <cstring>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "adapters/api_internal.hpp"

namespace swaptwin::adapters {

namespace api_detail {

namespace {
namespace beast = boost::beast;
namespace http = beast::http;

// Longer than any method the API knows (and any registered one): no space by then is not HTTP.
constexpr std::size_t method_max = 32;

const char* how_to_send = "send an HTTP/1.1 request line, header fields and an empty line, each ending in CRLF";
}  // namespace

request_reader::request_reader(const api_limits& limits) : limits_(limits) {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limits_.header_bytes, UINT32_MAX)));
  parser_->body_limit(static_cast<std::uint64_t>(limits_.body_bytes));
  parser_->eager(false);  // see parse(): put() stops at the end of the header
}

http_request& request_reader::request() { return parser_->get(); }

request_reader::state request_reader::refuse(int status, const char* code, const std::string& message) {
  refusal_ = fail(status, code, message);
  refusal_.close = true;
  return state::refused;
}

// The request line as far as it has come: the target is measured before the parser sees it.
std::optional<request_reader::state> request_reader::check_line(std::string_view text) {
  const auto sp = text.find(' ');
  if (sp == std::string_view::npos || sp > method_max) {
    if (text.size() <= method_max && text.find('\n') == std::string_view::npos) return state::more;
    if (sp == std::string_view::npos && text.find('\n') != std::string_view::npos) {
      line_checked_ = true;  // a line without a space: the parser names what is wrong
      return std::nullopt;
    }
    return refuse(400, "input.malformed", "malformed HTTP request (no method within " + std::to_string(method_max) +
                                              " bytes): " + how_to_send);
  }
  const auto end = text.find_first_of(" \r\n", sp + 1);
  const auto target = (end == std::string_view::npos ? text.size() : end) - sp - 1;
  if (target > limits_.target_bytes)
    return refuse(414, "input.target_too_long",
                  "the request target exceeds " + std::to_string(limits_.target_bytes) + " bytes; ask for less in one request");
  if (end == std::string_view::npos) return state::more;
  line_checked_ = true;
  return std::nullopt;
}

request_reader::state request_reader::parse(beast::flat_buffer& in) {
  const auto too_large = [&] {
    return refuse(431, "input.header_too_large",
                  "the request line and header fields exceed " + std::to_string(limits_.header_bytes) +
                      " bytes; send fewer or shorter header fields");
  };
  for (;;) {
    if (parser_->is_done()) break;
    if (in.size() == 0) return state::more;
    const bool in_header = !parser_->is_header_done();
    beast::error_code ec;
    const auto used = parser_->put(in.data(), ec);
    in.consume(used);
    // Beast's header_limit bounds what one put() call sees, but it consumes the fields that are
    // complete: a header sent in pieces would pass it. The reader counts the whole header itself
    // (not eager: put() stops at the header's end, so `used` is header bytes only).
    if (in_header) {
      header_seen_ += used;
      const bool pending = !parser_->is_header_done() && (!ec || ec == http::error::need_more);
      if (header_seen_ + (pending ? in.size() : 0) > limits_.header_bytes) return too_large();
    }
    // Boost.Beast 1.74 asserts, aborting the whole server, on a last chunk split across reads
    // (tests/fuzz/crashes/api_request/segmented-chunked-last-chunk): a chunked body is refused as
    // soon as the header is read, before any chunk is parsed (not eager: put() stopped there).
    if (in_header && parser_->is_header_done() && parser_->chunked())
      return refuse(411, "input.chunked", "chunked request bodies are not accepted: send the body with Content-Length");
    if (ec == http::error::need_more) {
      // Nor does Beast bound a chunk-size line of the body: bound what waits.
      if (parser_->is_header_done() && in.size() > limits_.header_bytes)
        return refuse(400, "input.malformed",
                      "a chunk header of the body exceeds " + std::to_string(limits_.header_bytes) + " bytes: " + how_to_send);
      return state::more;
    }
    if (ec == http::error::header_limit) return too_large();
    // Only after the whole header (a declared length over the limit is refused at its end).
    if (ec == http::error::body_limit)
      return refuse(413, "input.too_large", "the body exceeds " + std::to_string(limits_.body_bytes) + " bytes");
    if (ec) return refuse(400, "input.malformed", "malformed HTTP request (" + ec.message() + "): " + how_to_send);
    if (used == 0 && !parser_->is_done()) return state::more;
  }
  return finished();
}

request_reader::state request_reader::finished() {
  const auto target = parser_->get().target();
  if (target.empty() || target.front() != '/')
    return refuse(400, "input.malformed", "the request target must be a path starting with \"/\", e.g. /api/v1/stations");
  return state::done;
}

request_reader::state request_reader::put(beast::flat_buffer& in) {
  if (in.size() > 0) started_ = true;
  if (!line_checked_) {
    const auto* p = static_cast<const char*>(in.data().data());
    if (auto s = check_line({p, in.size()})) return *s;
  }
  return parse(in);
}

request_reader::state request_reader::put_eof() {
  if (!started_) return state::more;  // the peer left between requests: nothing to answer
  if (parser_->is_done()) return state::done;
  if (parser_->got_some()) {
    beast::error_code ec;
    parser_->put_eof(ec);
    if (!ec) return finished();
  }
  return refuse(400, "input.malformed", "the request ended before it was complete (its header or the declared body was cut short)");
}

api_response answer(store& db, http_request& req, twin::unix_ms now, const api_limits& limits, const api_log_fn& log) {
  api_request in{std::string{req.method_string()}, std::string{req.target()},
                 std::string{req[http::field::authorization]}, std::move(req.body())};
  return handle_api_request(db, in, now, limits, log);
}

api_response answer_refusal(store& db, request_reader& reader, twin::unix_ms now, const api_log_fn& log) {
  auto out = reader.refusal();
  if (out.status == 413) {  // the whole header was read: the method, target and Authorization are known
    const auto& req = reader.request();
    audit_refusal(db, {std::string{req.method_string()}, std::string{req.target()}, std::string{req[http::field::authorization]}, {}},
                  out, now, log);
  }
  return out;
}

}  // namespace api_detail

api_response handle_raw_api_request(store& db, std::string_view bytes, twin::unix_ms now, const api_limits& limits,
                                    const api_log_fn& log) {
  try {
    api_detail::request_reader reader{limits};
    boost::beast::flat_buffer in;
    if (!bytes.empty()) {
      auto room = in.prepare(bytes.size());
      std::memcpy(room.data(), bytes.data(), bytes.size());
      in.commit(bytes.size());
    }
    auto s = reader.put(in);
    if (s == api_detail::request_reader::state::more) s = reader.put_eof();
    using state = api_detail::request_reader::state;
    if (s == state::more) {  // no byte at all: the server would close without a word
      auto r = api_detail::fail(400, "input.malformed", "no request: send an HTTP/1.1 request");
      r.close = true;
      return r;
    }
    if (s == state::refused) return api_detail::answer_refusal(db, reader, now, log);
    auto& req = reader.request();
    const std::string_view target{req.target().data(), req.target().size()};
    if (feed_detail::is_feed_target(target)) return api_detail::fail(404, "route.unknown", "no operator feed on this server");
    return api_detail::answer(db, req, now, limits, log);
  } catch (const std::exception& e) {
    return api_detail::internal_error(log, std::string{"raw request: "} + e.what());
  }
}

namespace feed_detail {
bool is_feed_target(std::string_view target) {
  const auto path = target.substr(0, target.find('?'));
  return path == "/api/v1/feed" || path == "/api/v1/feed/";
}
}  // namespace feed_detail

}  // namespace swaptwin::adapters
