// The operator API's HTTP/1.1 transport (api_server.hpp): Beast on one I/O thread, keep-alive,
// request and idle timeouts, a body limit answered 413. The routes are in api_routes.cpp.
#include "adapters/api_server.hpp"

#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "adapters/feed_session.hpp"

namespace swaptwin::adapters {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// What every session needs: the options, the store and the clock. Lives on the I/O thread.
struct api_core {
  api_server_options options;
  std::optional<store> db;
  std::unique_ptr<feed_detail::feed_server> feed;  // GET /api/v1/feed (null without a hub)
  twin::unix_ms now() const {
    if (options.now) return options.now();
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
};

// One connection: read a request, answer, repeat while keep-alive.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, api_core& core) : stream_(std::move(socket)), core_(core) {}

  void run() { read(core_.options.idle_timeout); }

 private:
  void read(std::chrono::milliseconds timeout) {
    parser_.emplace();
    parser_->body_limit(core_.options.body_limit);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(timeout);
    // The first bytes restart the clock with the shorter request timeout (header and body).
    http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_header(ec);
    });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::body_limit) return too_large();
    if (ec) return close();
    stream_.expires_after(core_.options.request_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) return too_large();
    if (ec) return close();
    auto& req = parser_->get();
    if (feed_detail::is_feed_target({req.target().data(), req.target().size()})) return feed(req);
    api_request in{std::string{req.method_string()}, std::string{req.target()},
                   std::string{req[http::field::authorization]}, std::move(req.body())};
    api_response out;
    try {
      out = handle_api_request(*core_.db, in, core_.now());
    } catch (const std::exception& e) {
      out = {500, nlohmann::json{{"error", "internal"}, {"message", e.what()}}.dump(), false, {}};
    }
    // The feed sees what an action changed at its next tick (an admin command from another
    // process waits for its periodic re-read).
    if (core_.options.feed && req.method() != http::verb::get && out.status < 300)
      feed_detail::note_action(*core_.options.feed, in.target);
    write(std::move(out), req.version(), req.keep_alive());
  }

  // GET /api/v1/feed: admitted, the connection becomes a feed subscription; else an HTTP answer.
  void feed(http::request<http::string_body>& req) {
    if (!core_.feed) return write({404, R"({"error":"route.unknown","message":"no operator feed on this server"})", false, {}},
                                  req.version(), req.keep_alive());
    bool json = false;
    std::optional<api_response> refusal;
    try {
      refusal = core_.feed->admit(*core_.db, req, json);
    } catch (const std::exception& e) {
      refusal = api_response{500, nlohmann::json{{"error", "internal"}, {"message", e.what()}}.dump(), false, {}};
    }
    if (refusal) return write(std::move(*refusal), req.version(), req.keep_alive());
    core_.feed->accept(std::move(stream_), std::move(req), json);
  }

  void write(api_response out, unsigned version, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(out.status), version);
    res->set(http::field::server, "swaptwin");
    res->set(http::field::content_type, "application/json");
    if (out.bearer_challenge) res->set(http::field::www_authenticate, "Bearer");
    if (!out.allow.empty()) res->set(http::field::allow, out.allow);
    res->keep_alive(keep_alive);
    res->body() = std::move(out.body);
    res->prepare_payload();
    stream_.expires_after(core_.options.request_timeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      if (!keep_alive) return self->drain();
      self->read(self->core_.options.idle_timeout);
    });
  }

  // 413, then the connection ends: the rest of the body is read and dropped, so the client sees
  // the answer rather than a reset.
  void too_large() {
    const auto limit = std::to_string(core_.options.body_limit);
    write({413, nlohmann::json{{"error", "input.too_large"}, {"message", "the body exceeds " + limit + " bytes"}}.dump(),
           false, {}},
          11, false);
  }

  // Half-closes and reads until the peer closes (or the request timeout), then closes.
  void drain() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(core_.options.request_timeout);
    drain_more();
  }
  void drain_more() {
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->drain_more();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  api_core& core_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  char scratch_[4096];
};

}  // namespace

struct api_server::impl {
  api_core core;
  // Destroyed before `core`: handlers and the sessions they own go with the io_context.
  std::optional<net::io_context> ioc;
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;
  std::uint16_t port = 0;
  bool started = false;
  bool stopped = false;

  void accept() {
    acceptor->async_accept(*ioc, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      if (!ec) std::make_shared<session>(std::move(socket), core)->run();
      accept();  // other errors (too many open files) are transient
    });
  }
};

api_server::api_server(api_server_options options) : impl_(std::make_unique<impl>()) {
  impl_->core.options = std::move(options);
}

api_server::~api_server() {
  stop();
  impl_->acceptor.reset();
  impl_->ioc.reset();
}

bool api_server::start(std::string* error) {
  auto fail = [&](std::string e) {
    if (error) *error = std::move(e);
    return false;
  };
  if (impl_->started) return fail("api_server: start() may be called once");
  impl_->started = true;
  const auto& opt = impl_->core.options;
  try {
    impl_->core.db.emplace(opt.db_path, opt.db);
  } catch (const std::exception& e) {
    return fail("api: database " + opt.db_path + ": " + e.what());
  }
  impl_->ioc.emplace(1);
  if (opt.feed) impl_->core.feed = std::make_unique<feed_detail::feed_server>(*impl_->ioc, *opt.feed, opt);
  beast::error_code ec;
  const auto addr = net::ip::make_address(opt.address, ec);
  if (ec) return fail("api: \"" + opt.address + "\" is not an IP address");
  const tcp::endpoint ep{addr, opt.port};
  auto& a = impl_->acceptor.emplace(*impl_->ioc);
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("api: listen on " + opt.address + ":" + std::to_string(opt.port) + ": " + ec.message());
  impl_->port = a.local_endpoint(ec).port();
  impl_->accept();
  if (impl_->core.feed) impl_->core.feed->start();
  impl_->thread = std::thread([this] { impl_->ioc->run(); });
  return true;
}

void api_server::stop() {
  if (impl_->stopped || !impl_->thread.joinable()) {
    impl_->stopped = true;
    return;
  }
  impl_->stopped = true;
  if (impl_->core.feed) impl_->core.feed->stop();  // no more batches posted
  // The handler being run finishes; then the loop ends and pending operations are dropped with
  // the io_context (their sessions close their sockets as they are destroyed).
  net::post(*impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor->close(ec);
    impl_->ioc->stop();
  });
  impl_->thread.join();
}

std::uint16_t api_server::port() const noexcept { return impl_->port; }

api_feed_stats api_server::feed_stats() const { return impl_->core.feed ? impl_->core.feed->stats() : api_feed_stats{}; }

}  // namespace swaptwin::adapters
