#pragma once
/// swaptwin-viewer's side of the operator API (adapters/README.md, "Operator API"): one HTTP/1.1
/// request per connection with the bearer token, asynchronous on the live source's io_context; the
/// request each viewer action becomes and the words its answer is shown with; and the JSON reads
/// the feed does not carry (riders, plans, deposits, packs) mapped to view-model parts.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "viewer/ui.hpp"
#include "viewer/view_model.hpp"

namespace swaptwin::app {

/// The API's paths start with this ("/api/v1/stations").
inline constexpr const char* api_prefix = "/api/v1";

/// Where the API is and who asks.
struct api_endpoint {
  std::string host;                           ///< e.g. "127.0.0.1"
  std::string port;                           ///< e.g. "8090"
  std::string token;                          ///< bearer "<id>.<secret>"
  std::chrono::milliseconds timeout{10000};   ///< connect + request + answer must fit in this
};

/// The answer to one request.
struct api_reply {
  int status = 0;     ///< HTTP status; 0 when no answer came (`error` says why)
  std::string body;   ///< the body (JSON)
  std::string error;  ///< a transport failure: "connect: Connection refused", "timeout"
};

/// Sends `method target` with `body` (JSON, may be empty) and `Authorization: Bearer <token>` on a
/// connection of its own, and calls `done` once, on a thread running `io`. If `io` is stopped
/// first, `done` is never called.
void api_request(boost::asio::io_context& io, const api_endpoint& ep, std::string method, std::string target,
                 std::string body, std::function<void(api_reply)> done);

/// The request a viewer action becomes.
struct api_call {
  std::string method;  ///< "POST"
  std::string target;  ///< "/api/v1/stations/SZ-0001/rename" (path segments percent-encoded)
  std::string body;    ///< JSON; empty for none
  std::string done;    ///< what a success is reported as: "renamed SZ-0001 to Depot"
};

/// The API call of `a`. A work order id shown as "WO-12" is sent as 12.
api_call call_of(const viewer::action& a);

/// How the answer to `call` is shown in vm.source.last_action: its `done` text on a 2xx, else
/// "<status>: <what went wrong>" ("403: needs operator role", "404: station SZ-9 is not known"),
/// or "not sent: <transport error>".
std::string outcome_text(const api_call& call, const api_reply& reply);

/// Riders of a `GET /api/v1/riders` body (a JSON array of riders), their plan named from `plans`
/// when it is there. Throws std::invalid_argument when the body is not such an array.
std::vector<viewer::rider_view> riders_from_json(const std::string& body, const std::vector<viewer::plan_view>& plans);

/// Plans on sale of a `GET /api/v1/plans` body (retired ones left out). Throws std::invalid_argument.
std::vector<viewer::plan_view> plans_from_json(const std::string& body);

/// Deposits by battery model of a `GET /api/v1/deposits` body. Throws std::invalid_argument.
std::vector<viewer::deposit_view> deposits_from_json(const std::string& body);

/// Packs of a `GET /api/v1/packs` body ("where" as people read it: "station SZ-0001 slot 3").
/// Throws std::invalid_argument.
std::vector<viewer::battery_view> batteries_from_json(const std::string& body);

}  // namespace swaptwin::app
