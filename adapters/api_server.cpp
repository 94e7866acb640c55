// The operator API's HTTP/1.1 transport (api_server.hpp): Beast on one I/O thread, keep-alive,
// request and idle timeouts; requests read by api_http.hpp's request_reader within the limits
// (413, 414, 431, 400). The routes are in api_routes.cpp.
#include "adapters/api_server.hpp"

#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "adapters/api_http.hpp"
#include "adapters/api_internal.hpp"
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

// One connection: read a request, answer, repeat while keep-alive. Bytes go through the same
// request_reader as handle_raw_api_request's, so both refuse the same requests the same way.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, api_core& core) : stream_(std::move(socket)), core_(core) {}

  void run() { read(); }

 private:
  using state = api_detail::request_reader::state;

  // A new request: the idle timeout until its first byte, then the request timeout for all of it
  // (a client that trickles its header or body cannot hold the connection longer).
  void read() {
    reader_.emplace(core_.options.limits);
    stream_.expires_after(core_.options.idle_timeout);
    if (buffer_.size() > 0) return on_bytes();  // pipelined: the next request is here already
    read_some();
  }

  void read_some() {
    stream_.async_read_some(buffer_.prepare(read_chunk), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->on_read_some(ec, n);
    });
  }

  void on_read_some(beast::error_code ec, std::size_t n) {
    if (ec == net::error::eof) {
      const auto s = reader_->put_eof();
      return s == state::more ? close() : on_state(s);  // more: nothing of a request had come
    }
    if (ec) return close();  // timeout, reset: nobody to answer
    buffer_.commit(n);
    on_bytes();
  }

  void on_bytes() {
    const bool was_started = reader_->started();
    const auto s = reader_->put(buffer_);
    if (!was_started && reader_->started()) stream_.expires_after(core_.options.request_timeout);
    on_state(s);
  }

  void on_state(state s) {
    if (s == state::refused)
      return write(api_detail::answer_refusal(*core_.db, *reader_, core_.now(), core_.options.log), 11, false);
    if (s == state::more) return read_some();
    on_request();
  }

  void on_request() {
    auto& req = reader_->request();
    if (feed_detail::is_feed_target({req.target().data(), req.target().size()})) return feed(req);
    const auto version = req.version();
    const bool keep_alive = req.keep_alive();
    const bool acted = req.method() != http::verb::get;
    std::string target{req.target()};
    auto out = api_detail::answer(*core_.db, req, core_.now(), core_.options.limits, core_.options.log);
    // The feed sees what an action changed at its next tick (an admin command from another
    // process waits for its periodic re-read).
    if (core_.options.feed && acted && out.status < 300) feed_detail::note_action(*core_.options.feed, target);
    write(std::move(out), version, keep_alive);
  }

  // GET /api/v1/feed: admitted, the connection becomes a feed subscription; else an HTTP answer.
  void feed(http::request<http::string_body>& req) {
    if (!core_.feed) return write(api_detail::fail(404, "route.unknown", "no operator feed on this server"), req.version(),
                                  req.keep_alive());
    feed_detail::admission a;
    std::optional<api_response> refusal;
    try {
      refusal = core_.feed->admit(*core_.db, req, a);
    } catch (const std::exception& e) {
      refusal = api_detail::internal_error(core_.options.log, std::string{"feed admission: "} + e.what());
    }
    if (refusal) return write(std::move(*refusal), req.version(), req.keep_alive());
    core_.feed->accept(std::move(stream_), std::move(req), std::move(a));
  }

  void write(api_response out, unsigned version, bool keep_alive) {
    keep_alive = keep_alive && !out.close;
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
      self->read();
    });
  }

  // After an answer that ends the connection: half-close and read (dropping it: the rest of an
  // oversize body, say) until the peer closes or the request timeout, so the client sees the
  // answer rather than a reset.
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

  static constexpr std::size_t read_chunk = 16 * 1024;
  beast::tcp_stream stream_;
  api_core& core_;
  beast::flat_buffer buffer_;
  std::optional<api_detail::request_reader> reader_;
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
  if (opt.feed) impl_->core.feed = std::make_unique<feed_detail::feed_server>(*impl_->ioc, *opt.feed, *impl_->core.db, opt);
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
