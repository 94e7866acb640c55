#pragma once
/// The operator API's request handling without sockets (issue 5; hostile input: issue 11): the
/// limits a request must keep, the values the routes see, and two entry points.
///
/// - handle_api_request: one request already parsed into an api_request (method, target,
///   Authorization, body): authenticates, routes, checks the role, runs and audits it.
/// - handle_raw_api_request: the raw bytes of ONE HTTP/1.1 request, parsed by exactly the
///   parser, limits and refusals the api_server uses on its sockets (api_http.hpp: the server reads
///   through the same request_reader), then answered by handle_api_request. This is the entry point
///   of the API request fuzz target: whatever bytes it gets, it returns an answer (never throws,
///   never crashes), and a 500 never carries SQL or other internals.
///
/// Neither includes Beast or Asio; the fuzz target needs this header, the store and nothing else.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "adapters/store.hpp"
#include "twin/time.hpp"

namespace swaptwin::adapters {

/// What one request may be. Each limit has its own answer (a JSON error, then the connection closes).
struct api_limits {
  std::size_t body_bytes = 64 * 1024;     ///< a bigger body: 413 input.too_large
  std::size_t header_bytes = 16 * 1024;   ///< request line and header fields together; more: 431 input.header_too_large
  std::size_t target_bytes = 8 * 1024;    ///< the request target (path and query) as sent; longer: 414 input.target_too_long
  std::size_t json_depth = 32;            ///< arrays and objects nested deeper in a body: 400 input.invalid, field "body"
};

/// Where the API writes its log lines (one line, no newline). Unset: stderr, "swaptwin api: <line>".
using api_log_fn = std::function<void(const std::string& line)>;

/// One HTTP request as the routes see it (no Beast types).
struct api_request {
  std::string method;         ///< "GET", "POST", "PUT", ...
  std::string target;         ///< "/api/v1/stations?x=y", as sent (percent-encoded)
  std::string authorization;  ///< the Authorization header, empty when absent
  std::string body;
};

/// The answer to an api_request.
struct api_response {
  int status = 200;
  std::string body;                ///< JSON
  bool bearer_challenge = false;   ///< add `WWW-Authenticate: Bearer` (401)
  std::string allow;               ///< the Allow header of a 405, e.g. "GET"
  bool close = false;              ///< the connection must close after this answer (a refused HTTP message)
};

/// Routes, authenticates, checks the role, runs and audits one request against `db` at `now`.
/// Never throws: a failure of the store is logged to `log` with an error id and answered
/// 500 {"error":"internal","message":"internal error; quote error id <id> to the operator","error_id":<id>}.
/// Pure of sockets: the server calls it on its I/O thread, tests may call it directly.
api_response handle_api_request(store& db, const api_request& req, twin::unix_ms now, const api_limits& limits = {},
                                const api_log_fn& log = {});

/// Parses `bytes` as one HTTP/1.1 request with the server's parser and `limits` (what follows the
/// first request is ignored) and answers it as the server would: a refused message (413, 414,
/// 431, 400 input.malformed, also for bytes that end before the request does) with `close` set,
/// else handle_api_request. The operator feed (GET /api/v1/feed) is not served here: 404, as by a
/// server without a feed hub. Never throws.
api_response handle_raw_api_request(store& db, std::string_view bytes, twin::unix_ms now, const api_limits& limits = {},
                                    const api_log_fn& log = {});

}  // namespace swaptwin::adapters
