#include "adapters/ws_client.hpp"

#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/ws_session.hpp"  // Beast, the layer types and the bounded queue (connection_impl)

namespace swaptwin::adapters {

using namespace ws_detail;

struct ws_io::impl {
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ioc);
  std::vector<std::thread> threads;
};

ws_io::ws_io(int threads) : impl_(std::make_unique<impl>()) {
  for (int i = 0; i < std::max(1, threads); ++i)
    impl_->threads.emplace_back([ioc = &impl_->ioc] {
      for (;;) {
        try {
          ioc->run();
          return;
        } catch (...) {
        }
      }
    });
}

ws_io::~ws_io() {
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
}

namespace {

/// Callbacks that the client's destructor can switch off: invoked under a (recursive, so a
/// callback may call close or send) lock that the destructor takes too.
struct client_callbacks {
  std::recursive_mutex mutex;
  bool enabled = true;
  std::function<void(std::string)> on_text;
  std::function<void(const ws_close_info&)> on_close;
  std::function<void(const ws_connect_result&)> done;
};

template <class NextLayer>
class client_session final : public session_base {
 public:
  static constexpr bool is_tls = std::is_same_v<NextLayer, tls_layer>;

  client_session(net::io_context& ioc, ws_client_options options, std::shared_ptr<client_callbacks> callbacks,
                 std::shared_ptr<ssl::context> tls)
      : options_(std::move(options)), callbacks_(std::move(callbacks)), tls_(std::move(tls)),
        ws_(make_stream(net::make_strand(ioc), tls_.get())), resolver_(ws_.get_executor()),
        conn_(std::make_shared<connection_impl>(0, std::string{}, options_.host, options_.max_queued_messages,
                                                options_.max_queued_bytes)) {}

  void run() override {
    conn_->attach(self(), {});  // before anything runs on the strand: the handle is read by user threads
    net::post(ws_.get_executor(), [self = self()] { self->start(); });
  }
  void release(std::shared_ptr<session_base> me) override {
    auto executor = ws_.get_executor();
    net::post(executor, [me = std::move(me)]() mutable { me.reset(); });
  }
  void kick() override {
    net::post(ws_.get_executor(), [self = self()] { self->do_write(); });
  }
  void request_close(std::uint16_t code, std::string reason, ws_close_reason why) override {
    net::post(ws_.get_executor(), [self = self(), code, reason = std::move(reason), why]() mutable {
      self->begin_close(code, std::move(reason), why);
    });
  }
  void teardown(ws_close_reason why) override {
    net::post(ws_.get_executor(), [self = self(), why] {
      if (!self->reason_) self->reason_ = why;
      self->conn_->drop();
      beast::error_code ec;
      self->resolver_.cancel();
      beast::get_lowest_layer(self->ws_).socket().close(ec);
    });
  }
  void shutdown() override { teardown(ws_close_reason::closed_locally); }
  void report_final() override {}

  /// The outbound queue (created with the session, so user threads may read the pointer).
  std::shared_ptr<connection_impl> queue() const { return conn_; }

 private:
  template <class Executor>
  static websocket::stream<NextLayer> make_stream(Executor ex, ssl::context* tls) {
    if constexpr (is_tls) return websocket::stream<NextLayer>(ex, *tls);
    else return websocket::stream<NextLayer>(ex);
  }
  std::shared_ptr<client_session> self() { return std::static_pointer_cast<client_session>(shared_from_this()); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(ws_); }

  template <class F, class... A>
  void callback(F client_callbacks::*member, A&&... args) {
    std::lock_guard<std::recursive_mutex> lock(callbacks_->mutex);
    if (callbacks_->enabled) safe_call(callbacks_.get()->*member, std::forward<A>(args)...);
  }

  void connected(ws_connect_result r) {
    if (done_) return;
    done_ = true;
    callback(&client_callbacks::done, r);
  }

  void start() {
    resolver_.async_resolve(options_.host, std::to_string(options_.port),
                            [self = self()](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->fail(ec, "resolve");
                              self->lowest().expires_after(self->options_.handshake_timeout);
                              self->lowest().async_connect(results, [self](beast::error_code ec2, const tcp::endpoint&) {
                                if (ec2) return self->fail(ec2, "connect");
                                self->on_tcp();
                              });
                            });
  }

  void on_tcp() {
    if constexpr (is_tls) {
      SSL_set_tlsext_host_name(ws_.next_layer().native_handle(), options_.host.c_str());
      if (!options_.tls_ca_file.empty()) ws_.next_layer().set_verify_callback(ssl::host_name_verification(options_.host));
      ws_.next_layer().async_handshake(ssl::stream_base::client, [self = self()](beast::error_code ec) {
        if (ec) return self->fail(ec, "tls");
        self->upgrade();
      });
    } else {
      upgrade();
    }
  }

  void upgrade() {
    lowest().expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = options_.handshake_timeout;
    t.idle_timeout = options_.idle_timeout.count() > 0
                         ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.idle_timeout)
                         : websocket::stream_base::none();
    t.keep_alive_pings = options_.idle_timeout.count() > 0;
    ws_.set_option(t);
    ws_.read_message_max(options_.read_message_max);
    std::string protocols;
    for (const auto& p : options_.subprotocols) protocols += (protocols.empty() ? "" : ", ") + p;
    std::string auth;
    if (options_.credentials) auth = "Basic " + base64_encode(options_.credentials->user + ":" + options_.credentials->password);
    ws_.set_option(websocket::stream_base::decorator([protocols, auth](websocket::request_type& req) {
      if (!protocols.empty()) req.set(http::field::sec_websocket_protocol, protocols);
      if (!auth.empty()) req.set(http::field::authorization, auth);
    }));
    ws_.async_handshake(res_, options_.host + ":" + std::to_string(options_.port), options_.path,
                        [self = self()](beast::error_code ec) { self->on_handshake(ec); });
  }

  void on_handshake(beast::error_code ec) {
    ws_connect_result r;
    r.http_status = static_cast<int>(res_.result_int());
    r.subprotocol = std::string(res_[http::field::sec_websocket_protocol]);
    if (ec == websocket::error::upgrade_declined) {
      r.status = ws_connect_status::declined;
      r.message = res_.body();
      return fail_with(std::move(r));
    }
    if (ec) return fail(ec, "upgrade");
    const auto& offered = options_.subprotocols;
    const bool ok = r.subprotocol.empty() ? !options_.require_subprotocol
                                          : std::find(offered.begin(), offered.end(), r.subprotocol) != offered.end();
    if (!ok) {
      r.status = ws_connect_status::bad_subprotocol;
      r.message = r.subprotocol.empty() ? "the server chose no subprotocol" : "the server chose an unoffered subprotocol";
      ws_.async_close(websocket::close_code::protocol_error, [self = self()](beast::error_code) {
        beast::error_code ignored;
        self->lowest().socket().close(ignored);
      });
      return connected(std::move(r));
    }
    r.status = ws_connect_status::connected;
    open_ = true;
    connected(std::move(r));
    do_read();
    do_write();
  }

  void fail(beast::error_code ec, const char* stage) {
    ws_connect_result r;
    r.status = ec == beast::error::timeout ? ws_connect_status::timeout : ws_connect_status::failed;
    r.message = std::string(stage) + ": " + ec.message();
    fail_with(std::move(r));
  }

  void fail_with(ws_connect_result r) {
    beast::error_code ignored;
    lowest().socket().close(ignored);
    conn_->drop();
    connected(std::move(r));
  }

  void do_read() {
    ws_.async_read(buffer_, [self = self()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return finish(ec);
    if (closing_) {
      buffer_.consume(buffer_.size());
      return do_read();
    }
    if (!ws_.got_text()) {
      buffer_.consume(buffer_.size());
      begin_close(static_cast<std::uint16_t>(websocket::close_code::unknown_data), "text frames only",
                  ws_close_reason::unsupported_data);
      return do_read();
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    callback(&client_callbacks::on_text, std::move(text));
    do_read();
  }

  void finish(beast::error_code ec) {
    if (!open_) return;
    open_ = false;
    conn_->drop();
    beast::error_code ignored;
    lowest().socket().close(ignored);
    const auto& peer = ws_.reason();
    ws_close_info info;
    // A close frame was received even when the teardown after it failed (Beast 1.74 then reports
    // the socket error, e.g. ENOTCONN after a 1009 from the server): the peer's code is what counts.
    if (ec == websocket::error::closed || peer.code != websocket::close_code::none) info = {ws_close_reason::closed_by_peer, static_cast<std::uint16_t>(peer.code), std::string(peer.reason.c_str())};
    else if (ec == beast::error::timeout) info = {ws_close_reason::idle_timeout, 0, "idle timeout"};
    else if (ec == websocket::error::message_too_big) info = {ws_close_reason::too_big, 1009, "message too big"};
    else info = {ws_close_reason::error, 0, ec.message()};
    if (reason_) {
      info.reason = *reason_;  // we started the end; the peer's echo of our close is not "closed by peer"
      if (close_code_) info.code = close_code_;
    }
    callback(&client_callbacks::on_close, info);
  }

  void begin_close(std::uint16_t code, std::string reason, ws_close_reason why) {
    if (!open_ || closing_) return;
    closing_ = true;
    reason_ = why;
    close_code_ = code;
    close_text_ = std::move(reason);
    conn_->refuse_sends();
    do_write();
  }

  void do_write() {
    if (!open_ || writing_ || close_sent_) return;
    if (!conn_->pop(out_)) {
      if (closing_) {
        close_sent_ = true;
        ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_text_), [](beast::error_code) {});
      }
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(out_), [self = self()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      self->conn_->written(self->out_.size());
      self->out_ = std::string();
      if (ec) {
        beast::error_code ignored;
        self->lowest().socket().close(ignored);
        return;
      }
      self->do_write();
    });
  }

  ws_client_options options_;
  std::shared_ptr<client_callbacks> callbacks_;
  std::shared_ptr<ssl::context> tls_;
  websocket::stream<NextLayer> ws_;
  tcp::resolver resolver_;
  websocket::response_type res_;
  beast::flat_buffer buffer_;
  std::shared_ptr<connection_impl> conn_;
  bool done_ = false;
  bool open_ = false;
  bool closing_ = false;
  bool writing_ = false;
  bool close_sent_ = false;
  std::string out_;
  std::optional<ws_close_reason> reason_;
  std::uint16_t close_code_ = 0;
  std::string close_text_;
};

}  // namespace

struct ws_client::impl {
  ws_client_options options;
  std::shared_ptr<ws_io> io;
  std::shared_ptr<client_callbacks> callbacks = std::make_shared<client_callbacks>();
  std::shared_ptr<session_base> session;
  std::shared_ptr<connection_impl> queue;  // set on connect(); sends before it are refused
  std::mutex mutex;
};

ws_client::ws_client(ws_client_options options, std::shared_ptr<ws_io> io) : impl_(std::make_shared<impl>()) {
  impl_->options = std::move(options);
  impl_->io = io ? std::move(io) : std::make_shared<ws_io>(1);
}

ws_client::~ws_client() {
  {
    std::lock_guard<std::recursive_mutex> lock(impl_->callbacks->mutex);
    impl_->callbacks->enabled = false;
  }
  if (impl_->session) impl_->session->teardown(ws_close_reason::closed_locally);
  impl_->session.reset();
  impl_->queue.reset();
  impl_->io.reset();  // joins the threads when this client owned them
}

void ws_client::on_text(std::function<void(std::string)> callback) { impl_->callbacks->on_text = std::move(callback); }

void ws_client::on_close(std::function<void(const ws_close_info&)> callback) {
  impl_->callbacks->on_close = std::move(callback);
}

void ws_client::connect(std::function<void(const ws_connect_result&)> done) {
  try {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->session) return safe_call(done, ws_connect_result{ws_connect_status::failed, 0, {}, "connect() called twice"});
    impl_->callbacks->done = std::move(done);
    auto& ioc = impl_->io->impl_->ioc;
    std::shared_ptr<session_base> s;
    if (impl_->options.tls) {
      auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
      if (!impl_->options.tls_ca_file.empty()) {
        ctx->load_verify_file(impl_->options.tls_ca_file);
        ctx->set_verify_mode(ssl::verify_peer);
      } else {
        ctx->set_verify_mode(ssl::verify_none);
      }
      auto c = std::make_shared<client_session<tls_layer>>(ioc, impl_->options, impl_->callbacks, ctx);
      impl_->queue = c->queue();
      s = c;
    } else {
      auto c = std::make_shared<client_session<plain_layer>>(ioc, impl_->options, impl_->callbacks, nullptr);
      impl_->queue = c->queue();
      s = c;
    }
    impl_->session = s;
    s->run();
  } catch (const std::exception& e) {
    std::lock_guard<std::recursive_mutex> lock(impl_->callbacks->mutex);
    safe_call(impl_->callbacks->done, ws_connect_result{ws_connect_status::failed, 0, {}, e.what()});
  }
}

ws_connect_result ws_client::connect_and_wait(std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<ws_connect_result>>();
  auto future = promise->get_future();
  connect([promise](const ws_connect_result& r) { promise->set_value(r); });
  if (future.wait_for(timeout) != std::future_status::ready) {
    if (impl_->session) impl_->session->teardown(ws_close_reason::closed_locally);
    return {ws_connect_status::timeout, 0, {}, "no answer within the timeout"};
  }
  return future.get();
}

bool ws_client::send(std::string text) {
  std::shared_ptr<connection_impl> queue;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    queue = impl_->queue;
  }
  return queue && queue->send(std::move(text));
}

void ws_client::close(std::uint16_t code, std::string reason) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (impl_->session) impl_->session->request_close(code, std::move(reason), ws_close_reason::closed_locally);
}

}  // namespace swaptwin::adapters
