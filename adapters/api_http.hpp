#pragma once
/// Internal to the operator API (api_server.cpp, api_http.cpp): reading one HTTP/1.1 request
/// from bytes with the limits of api_request.hpp. The server feeds it what its socket reads; the
/// socket-free entry point (handle_raw_api_request) feeds it a whole buffer: both take the same
/// decisions. Includes Beast: not for use outside adapters/.

#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "adapters/api_request.hpp"

namespace swaptwin::adapters::api_detail {

/// The HTTP request type the API reads.
using http_request = boost::beast::http::request<boost::beast::http::string_body>;

/// One request's parse: Beast's request_parser with the body and header limits, and a check of
/// the request line before the parser sees it (a request target over the limit is 414 however
/// short the rest; the parser alone would call it a header too large).
class request_reader {
 public:
  /// Where a request stands after the bytes given so far.
  enum class state {
    more,     ///< incomplete: give it more bytes (or put_eof when there are none)
    done,     ///< complete: request() holds it
    refused,  ///< not acceptable: refusal() holds the answer; close the connection after it
  };

  /// A reader of one request within `limits`.
  explicit request_reader(const api_limits& limits);

  /// Parses what `in` holds, consuming the bytes it used (a pipelined next request stays in `in`).
  state put(boost::beast::flat_buffer& in);
  /// The peer sent nothing more: complete, or refused when the request was cut short.
  state put_eof();
  /// True once any byte of the request has been seen (timeouts and EOF before that are silent).
  bool started() const noexcept { return started_; }
  /// The request (complete after `done`; only its header after a 413, which comes once the whole
  /// header was read).
  http_request& request();
  /// The answer to a refused request.
  const api_response& refusal() const { return refusal_; }

 private:
  state refuse(int status, const char* code, const std::string& message);
  std::optional<state> check_line(std::string_view text);  // nullopt: on to the parser
  state parse(boost::beast::flat_buffer& in);
  state finished();  // the checks of a complete request

  api_limits limits_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  api_response refusal_;
  std::size_t header_seen_ = 0;  // header bytes the parser consumed so far
  bool started_ = false, line_checked_ = false;
};

/// Answers a complete request that is not the feed: handle_api_request on its method, target,
/// Authorization and body.
api_response answer(store& db, http_request& req, twin::unix_ms now, const api_limits& limits, const api_log_fn& log);

/// The answer to a request the reader refused. A 413 comes after the header was read: when that
/// header names an action and carries a valid token, the refusal is audited first (audit_refusal).
api_response answer_refusal(store& db, request_reader& reader, twin::unix_ms now, const api_log_fn& log);

}  // namespace swaptwin::adapters::api_detail

namespace swaptwin::adapters::feed_detail {
/// True when `target` ("/api/v1/feed?format=json") names the operator feed (its WebSocket).
bool is_feed_target(std::string_view target);
}  // namespace swaptwin::adapters::feed_detail
