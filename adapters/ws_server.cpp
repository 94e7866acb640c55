#include "adapters/ws_server.hpp"

#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/ws_session.hpp"

namespace swaptwin::adapters {

using namespace ws_detail;

namespace {

/// Accepts TCP connections and starts a session for each, counted against max_connections (an
/// uncounted one is only read and answered 503).
class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(net::io_context& ioc, std::shared_ptr<server_core> core, ssl::context* tls)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)), core_(std::move(core)), tls_(tls) {}

  bool open(const tcp::endpoint& ep, std::string& error) {
    beast::error_code ec;
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      error = "listen on " + ep.address().to_string() + ":" + std::to_string(ep.port()) + ": " + ec.message();
      return false;
    }
    port_ = acceptor_.local_endpoint(ec).port();
    return true;
  }

  std::uint16_t port() const { return port_; }

  void run() { accept(); }

  void close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      self->on_accept(ec, std::move(socket));
    });
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec && !core_->stopping) {
      const bool counted = core_->try_count();
      const std::uint64_t id = core_->next_id++;
      std::shared_ptr<session_base> s;
      if (tls_) s = std::make_shared<session<tls_layer>>(core_, std::move(socket), id, counted, tls_);
      else s = std::make_shared<session<plain_layer>>(core_, std::move(socket), id, counted, nullptr);
      core_->add(id, s);
      s->run();
    }
    // Other accept errors (too many open files) are transient: keep listening.
    accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  std::shared_ptr<server_core> core_;
  ssl::context* tls_;
  std::uint16_t port_ = 0;
};

}  // namespace

struct ws_server::impl {
  std::shared_ptr<server_core> core = std::make_shared<server_core>();
  std::unique_ptr<ssl::context> tls;
  // The io_context outlives the listener and sessions only through the order below: it is
  // destroyed last among the Asio objects, destroying the handlers that own them.
  std::optional<net::io_context> ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<listener> acceptor;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool running = false;
  bool stopped = false;

  bool wait_finished(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(core->mutex);
    return core->idle_cv.wait_for(lock, timeout, [this] { return core->sessions.empty(); });
  }
};

ws_server::ws_server(ws_server_options options, ws_server_callbacks callbacks) : impl_(std::make_unique<impl>()) {
  impl_->core->options = std::move(options);
  impl_->core->callbacks = std::move(callbacks);
}

ws_server::~ws_server() {
  stop();
  // Handlers (and the sessions they own) go with the io_context, before the core and TLS context.
  impl_->acceptor.reset();
  impl_->ioc.reset();
}

bool ws_server::start(std::string* error) {
  std::string why;
  auto fail = [&](std::string e) {
    if (error) *error = std::move(e);
    return false;
  };
  if (impl_->running || impl_->stopped) return fail("ws_server: start() may be called once");
  const auto& opt = impl_->core->options;
  try {
    if (!opt.tls_cert_file.empty() || !opt.tls_key_file.empty()) {
      if (opt.tls_cert_file.empty() || opt.tls_key_file.empty()) return fail("tls: both a certificate and a key are needed");
      impl_->tls = std::make_unique<ssl::context>(ssl::context::tls_server);
      impl_->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                              ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      beast::error_code ec;
      impl_->tls->use_certificate_chain_file(opt.tls_cert_file, ec);
      if (ec) return fail("tls: certificate " + opt.tls_cert_file + ": " + ec.message());
      impl_->tls->use_private_key_file(opt.tls_key_file, ssl::context::pem, ec);
      if (ec) return fail("tls: key " + opt.tls_key_file + ": " + ec.message());
    }
    beast::error_code ec;
    const auto address = net::ip::make_address(opt.address, ec);
    if (ec) return fail("bad listen address '" + opt.address + "': " + ec.message());
    impl_->ioc.emplace(std::max(1, opt.threads));
    impl_->work.emplace(net::make_work_guard(*impl_->ioc));
    impl_->acceptor = std::make_shared<listener>(*impl_->ioc, impl_->core, impl_->tls.get());
    if (!impl_->acceptor->open(tcp::endpoint(address, opt.port), why)) {
      impl_->acceptor.reset();
      impl_->work.reset();
      impl_->ioc.reset();
      return fail(why);
    }
    impl_->port = impl_->acceptor->port();
    impl_->acceptor->run();
    for (int i = 0; i < std::max(1, opt.threads); ++i)
      impl_->threads.emplace_back([ioc = &*impl_->ioc] {
        for (;;) {
          try {
            ioc->run();
            return;
          } catch (...) {
            // Callbacks are wrapped; anything else is a bug in a handler: keep the thread serving.
          }
        }
      });
    impl_->running = true;
    return true;
  } catch (const std::exception& e) {
    return fail(std::string("ws_server: ") + e.what());
  }
}

void ws_server::stop() {
  if (!impl_->running) return;
  impl_->running = false;
  impl_->stopped = true;
  auto& core = *impl_->core;
  core.stopping = true;
  try {
    impl_->acceptor->close();
    // The snapshots' references are released on each session's strand, never here.
    auto release_all = [](std::vector<std::shared_ptr<ws_detail::session_base>>& live) {
      for (auto& s : live) {
        auto* p = s.get();
        p->release(std::move(s));
      }
    };
    auto live = core.live();
    for (auto& s : live) s->shutdown();
    release_all(live);
    if (!impl_->wait_finished(core.options.stop_timeout)) {
      // Peers that do not answer the close frame in time are dropped.
      auto late = core.live();
      for (auto& s : late) s->teardown(ws_close_reason::server_stop);
      release_all(late);
      impl_->wait_finished(std::chrono::milliseconds(500));
    }
  } catch (...) {
    // Out of memory while stopping: fall through to the hard stop below.
  }
  impl_->work.reset();
  impl_->ioc->stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
  // No thread runs now: whatever did not finish is reported here, once.
  for (auto& s : core.live()) s->report_final();
  std::lock_guard<std::mutex> lock(core.mutex);
  core.sessions.clear();
}

std::uint16_t ws_server::port() const noexcept { return impl_->port; }

std::size_t ws_server::connection_count() const noexcept { return impl_->core->counted.load(); }

bool ws_server::tls() const noexcept { return impl_->tls != nullptr; }

}  // namespace swaptwin::adapters
