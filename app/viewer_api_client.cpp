// swaptwin-viewer's side of the operator API (see viewer_api_client.hpp).
#include "app/viewer_api_client.hpp"

#include <cctype>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace swaptwin::app {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

// One request on a connection of its own: resolve, connect, write, read, with one deadline.
class http_exchange : public std::enable_shared_from_this<http_exchange> {
 public:
  http_exchange(asio::io_context& io, api_endpoint ep, std::function<void(api_reply)> done)
      : resolver_{io}, stream_{io}, ep_{std::move(ep)}, done_{std::move(done)} {}

  void start(std::string method, std::string target, std::string body) {
    req_.method_string(method);
    req_.target(target);
    req_.version(11);
    req_.set(http::field::host, ep_.host + ":" + ep_.port);
    req_.set(http::field::authorization, "Bearer " + ep_.token);
    req_.set(http::field::user_agent, "swaptwin-viewer");
    req_.keep_alive(false);
    if (!body.empty()) {
      req_.set(http::field::content_type, "application/json");
      req_.body() = std::move(body);
    }
    req_.prepare_payload();
    parser_.body_limit(64 * 1024 * 1024);  // a list of ten thousand riders is a few MB
    stream_.expires_after(ep_.timeout);
    resolver_.async_resolve(ep_.host, ep_.port, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
      if (ec) return self->fail("resolve", ec);
      self->stream_.async_connect(r, [self](beast::error_code ec2, const tcp::endpoint&) {
        if (ec2) return self->fail("connect", ec2);
        http::async_write(self->stream_, self->req_, [self](beast::error_code ec3, std::size_t) {
          if (ec3) return self->fail("send", ec3);
          http::async_read(self->stream_, self->buffer_, self->parser_, [self](beast::error_code ec4, std::size_t) {
            if (ec4) return self->fail("answer", ec4);
            api_reply r;
            r.status = static_cast<int>(self->parser_.get().result_int());
            r.body = std::move(self->parser_.get().body());
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            self->done_(std::move(r));
          });
        });
      });
    });
  }

 private:
  void fail(const char* stage, beast::error_code ec) {
    api_reply r;
    r.error = ec == beast::error::timeout ? std::string{"timeout"} : std::string{stage} + ": " + ec.message();
    done_(std::move(r));
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  api_endpoint ep_;
  std::function<void(api_reply)> done_;
  http::request<http::string_body> req_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
};

// A path segment percent-encoded (RFC 3986 unreserved characters kept).
std::string segment(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string path(std::initializer_list<std::string> parts) {
  std::string out = api_prefix;
  for (const auto& p : parts) out += "/" + p;
  return out;
}

// "WO-12" -> "12": the viewer shows work orders as operators name them, the API counts.
std::string work_order_number(const std::string& id) { return id.rfind("WO-", 0) == 0 ? id.substr(3) : id; }

json parse_array(const std::string& body, const char* what) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_array()) throw std::invalid_argument(std::string{what} + ": not a JSON array");
  return j;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::int64_t integer(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

double number(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

viewer::kyc_state kyc_of(const std::string& s) {
  if (s == "pending") return viewer::kyc_state::pending;
  if (s == "verified") return viewer::kyc_state::verified;
  if (s == "rejected") return viewer::kyc_state::rejected;
  return viewer::kyc_state::unverified;
}

// As app/viewer_model_from_db.cpp names plan kinds: "month", "per km", "swap bundle", "per kWh".
std::string plan_kind_text(const json& p) {
  const auto kind = text(p, "kind");
  if (kind == "period") return text(p, "period");
  if (kind == "distance") return integer(p, "bundle_km") > 0 ? "km bundle" : "per km";
  if (kind == "cycles") return integer(p, "bundle_swaps") > 0 ? "swap bundle" : "per swap";
  return "per kWh";
}

}  // namespace

void api_request(asio::io_context& io, const api_endpoint& ep, std::string method, std::string target, std::string body,
                 std::function<void(api_reply)> done) {
  std::make_shared<http_exchange>(io, ep, std::move(done))->start(std::move(method), std::move(target), std::move(body));
}

api_call call_of(const viewer::action& a) {
  namespace va = viewer::actions;
  return std::visit(
      [](const auto& x) -> api_call {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, va::rename_station>)
          return {"POST", path({"stations", segment(x.sn), "rename"}), json{{"name", x.new_name}}.dump(),
                  "renamed " + x.sn + " to " + x.new_name};
        else if constexpr (std::is_same_v<T, va::accept_station>)
          return {"POST", path({"stations", segment(x.sn), "accept"}), {}, "accepted " + x.sn};
        else if constexpr (std::is_same_v<T, va::reject_station>)
          return {"POST", path({"stations", segment(x.sn), "reject"}), {}, "rejected " + x.sn};
        else if constexpr (std::is_same_v<T, va::set_slot_enabled>)
          return {"POST", path({"stations", segment(x.sn), "slots", std::to_string(x.slot), x.enabled ? "enable" : "disable"}),
                  {}, std::string{x.enabled ? "enabled" : "disabled"} + " slot " + std::to_string(x.slot) + " of " + x.sn};
        else if constexpr (std::is_same_v<T, va::verify_rider>)
          return {"POST", path({"riders", segment(x.rider_id), "verify"}), {}, "verified rider " + x.rider_id};
        else if constexpr (std::is_same_v<T, va::assign_work_order>)
          return {"POST", path({"work-orders", segment(work_order_number(x.work_order_id)), "assign"}),
                  json{{"agent_id", x.agent_id}}.dump(), "assigned " + x.work_order_id + " to " + x.agent_id};
        else
          return {"POST", path({"work-orders", segment(work_order_number(x.work_order_id)), "acknowledge"}), {},
                  "acknowledged " + x.work_order_id};
      },
      a);
}

std::string outcome_text(const api_call& call, const api_reply& reply) {
  if (reply.status == 0) return "not sent: " + reply.error;
  if (reply.status >= 200 && reply.status < 300) return call.done;
  const auto j = json::parse(reply.body, nullptr, false);
  std::string why;
  if (j.is_object()) {
    if (reply.status == 403 && j.contains("need") && j["need"].is_string()) why = "needs " + j["need"].get<std::string>() + " role";
    else why = text(j, "message");
    if (why.empty()) why = text(j, "error");
  }
  if (why.empty()) why = reply.status == 401 ? "token refused" : "refused";
  return std::to_string(reply.status) + ": " + why;
}

std::vector<viewer::plan_view> plans_from_json(const std::string& body) {
  std::vector<viewer::plan_view> out;
  for (const auto& p : parse_array(body, "plans")) {
    if (!p.is_object() || (p.contains("retired") && p["retired"].is_boolean() && p["retired"].get<bool>())) continue;
    const auto price = integer(p, "price_minor") > 0 ? integer(p, "price_minor") : integer(p, "unit_price_minor");
    out.push_back({text(p, "id"), plan_kind_text(p), text(p, "name"), {text(p, "currency"), price}});
  }
  return out;
}

std::vector<viewer::rider_view> riders_from_json(const std::string& body, const std::vector<viewer::plan_view>& plans) {
  std::vector<viewer::rider_view> out;
  for (const auto& r : parse_array(body, "riders")) {
    if (!r.is_object()) continue;
    viewer::rider_view v;
    v.id = text(r, "id");
    v.kyc = kyc_of(text(r, "kyc"));
    if (auto p = r.find("plan"); p != r.end() && p->is_object()) {
      v.plan = text(*p, "plan_id");
      for (const auto& pl : plans)
        if (pl.id == v.plan) v.plan = pl.name;
    }
    if (auto d = r.find("deposits"); d != r.end() && d->is_object()) {
      for (const auto& [model, m] : d->items()) {  // one currency per rider (their country's)
        if (!m.is_object()) continue;
        if (v.deposit.currency.empty()) v.deposit.currency = text(m, "currency");
        if (v.deposit.currency == text(m, "currency")) v.deposit.minor += integer(m, "amount_minor");
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<viewer::deposit_view> deposits_from_json(const std::string& body) {
  std::vector<viewer::deposit_view> out;
  for (const auto& d : parse_array(body, "deposits"))
    if (d.is_object()) out.push_back({text(d, "model_id"), {text(d, "currency"), integer(d, "amount_minor")}});
  return out;
}

std::vector<viewer::battery_view> batteries_from_json(const std::string& body) {
  std::vector<viewer::battery_view> out;
  for (const auto& b : parse_array(body, "packs")) {
    if (!b.is_object()) continue;
    viewer::battery_view v;
    v.sn = text(b, "sn");
    v.model = text(b, "model_id");
    v.soh_percent = static_cast<int>(std::lround(number(b, "soh") * 100));
    v.cycles = static_cast<int>(integer(b, "cycles"));
    const auto place = text(b, "place");
    const auto ref = text(b, "place_ref");
    if (place == "slot") {
      const auto colon = ref.rfind(':');
      v.where = colon == std::string::npos ? "station " + ref : "station " + ref.substr(0, colon) + " slot " + ref.substr(colon + 1);
    } else if (place == "rider") {
      v.where = "rider " + ref;
    } else if (place == "transit") {
      v.where = ref.empty() ? "in transit" : "in transit: " + ref;
    } else {
      v.where = "warehouse";
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace swaptwin::app
