#pragma once
// Internal to ws_server.cpp: one server-side connection, from the TCP accept to its end, over a
// plain (beast::tcp_stream) or TLS (beast::ssl_stream<beast::tcp_stream>) next layer. Everything
// below runs on the socket's strand; the public entry points of session_base only post to it.
//
// Life: [TLS handshake] -> HTTP upgrade read -> admission (owner's callback, answer posted back)
// -> reject with an HTTP status, or WebSocket accept -> (subprotocol refused: close 1002, no
// callbacks) or open: on_open, a read always pending, a writer draining the connection's queue ->
// one finish() with the reason, which reports on_close exactly once.

#include <optional>
#include <type_traits>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "adapters/ws_server_core.hpp"

namespace swaptwin::adapters::ws_detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

using plain_layer = beast::tcp_stream;
using tls_layer = beast::ssl_stream<beast::tcp_stream>;

template <class NextLayer>
class session final : public session_base {
 public:
  static constexpr bool is_tls = std::is_same_v<NextLayer, tls_layer>;

  session(std::shared_ptr<server_core> core, tcp::socket socket, std::uint64_t id, bool counted, ssl::context* tls)
      : core_(std::move(core)), ws_(make_stream(std::move(socket), tls)), timer_(ws_.get_executor()), id_(id),
        counted_(counted) {
    beast::error_code ec;
    const auto ep = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
    if (!ec) {
      remote_address_ = ep.address().to_string();
      remote_ = remote_address_ + ":" + std::to_string(ep.port());
    }
  }

  ~session() override {
    if (counted_) core_->uncount();  // a session destroyed without finishing (io_context torn down)
  }

  void run() override {
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
    net::post(ws_.get_executor(), [self = self(), why] { self->drop_now(why); });
  }
  void shutdown() override {
    net::post(ws_.get_executor(), [self = self()] {
      if (self->state_ == state::open) self->begin_close(1001, "server stopping", ws_close_reason::server_stop);
      else if (self->state_ == state::upgrading) self->drop_now(ws_close_reason::server_stop);
    });
  }
  void report_final() override {
    if (state_ == state::done) return;
    state_ = state::done;
    if (conn_) conn_->drop();
    if (opened_) safe_call(core_->callbacks.on_close, conn_ptr(), ws_close_info{ws_close_reason::server_stop, 0, "server stopped"});
    release();
  }

 private:
  enum class state { upgrading, open, closing, done };

  static websocket::stream<NextLayer> make_stream(tcp::socket socket, ssl::context* tls) {
    if constexpr (is_tls) return websocket::stream<NextLayer>(std::move(socket), *tls);
    else return websocket::stream<NextLayer>(std::move(socket));
  }
  std::shared_ptr<session> self() { return std::static_pointer_cast<session>(shared_from_this()); }
  connection_ptr conn_ptr() const { return conn_; }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(ws_); }

  void start() {
    lowest().expires_after(core_->options.handshake_timeout);
    if constexpr (is_tls) {
      ws_.next_layer().async_handshake(ssl::stream_base::server, [self = self()](beast::error_code ec) {
        if (ec) return self->finish({ws_close_reason::error, 0, "tls: " + ec.message()});
        self->read_request();
      });
    } else {
      read_request();
    }
  }

  void read_request() {
    // An upgrade has no body worth keeping: small limits so a hostile peer cannot make us buffer much.
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(4 * 1024);
    // The header first: Boost.Beast 1.74 asserts, aborting the whole server, on a last chunk split
    // across reads, so a chunked upgrade (an upgrade has no body) is refused before any chunk is parsed.
    http::async_read_header(ws_.next_layer(), buffer_, *parser_, [self = self()](beast::error_code ec, std::size_t) {
      if (!ec && self->parser_->chunked()) {
        self->parser_.reset();
        if (self->state_ != state::upgrading) return;
        return self->reject(411, "chunked request bodies are not accepted");
      }
      if (ec) {
        self->parser_.reset();
        return self->on_request(ec);
      }
      http::async_read(self->ws_.next_layer(), self->buffer_, *self->parser_, [self](beast::error_code ec2, std::size_t) {
        if (!ec2) self->req_ = self->parser_->release();
        self->parser_.reset();
        self->on_request(ec2);
      });
    });
  }

  void on_request(beast::error_code ec) {
    if (state_ != state::upgrading) return;
    if (ec) {
      // A request that is not HTTP, or too big, gets its status before the close (a peer that went
      // away or timed out gets nothing: there is nobody to tell).
      if (ec == http::error::header_limit) return reject(431, "request header too large");
      if (ec == http::error::body_limit) return reject(413, "request body too large");
      if (malformed(ec)) return reject(400, "malformed HTTP request");
      return finish({ws_close_reason::error, 0, "upgrade read: " + ec.message()});
    }
    if (!counted_) return reject(503, "too many connections");
    if (core_->stopping) return reject(503, "server stopping");
    if (!websocket::is_upgrade(req_)) return reject(400, "not a websocket upgrade");
    upgrade_.connection_id = id_;
    upgrade_.target = std::string(req_.target());
    std::string why;
    upgrade_.station_id = station_id_of(upgrade_.target, &why);
    if (upgrade_.station_id.empty()) return reject(400, "bad station id: " + why);
    upgrade_.remote = remote_;
    upgrade_.remote_address = remote_address_;
    upgrade_.has_credentials = parse_basic(std::string(req_[http::field::authorization]), upgrade_.credentials);
    for (const auto& token : http::token_list{req_[http::field::sec_websocket_protocol]})
      upgrade_.offered.emplace_back(token);
    upgrade_.subprotocol = pick_subprotocol(core_->options.subprotocols, upgrade_.offered);

    // The owner may answer late, from any thread: the answer is posted back here, and a timer
    // answers 503 for an owner that never does. `decide` holds the session weakly: an answer
    // after the connection ended is ignored.
    awaiting_ = true;
    timer_.expires_after(core_->options.handshake_timeout);
    timer_.async_wait([self = self()](beast::error_code tec) {
      if (!tec && self->awaiting_) self->decided(admission::reject(503, "admission timed out"));
    });
    std::weak_ptr<session> weak = self();
    auto decide = [weak](admission a) {
      // The strong reference moves into the posted handler: the session must never be destroyed
      // on the owner's thread (its stream belongs to the io_context), which a copy left here would
      // do whenever the handler ran and released first.
      if (auto s = weak.lock()) {
        auto executor = s->ws_.get_executor();
        net::post(executor, [s = std::move(s), a = std::move(a)]() mutable { s->decided(std::move(a)); });
      }
    };
    if (!core_->callbacks.admit) return decided(admission::accept(upgrade_.subprotocol));
    try {
      core_->callbacks.admit(upgrade_, decide);
    } catch (...) {
      decided(admission::reject(503, "admission failed"));
    }
  }

  // The parser's verdicts on what the peer sent (Beast 1.74's bad_* codes are contiguous).
  static bool malformed(beast::error_code ec) {
    if (ec.category() != http::make_error_code(http::error::bad_method).category()) return false;
    const int v = ec.value();
    return v >= static_cast<int>(http::error::bad_line_ending) && v <= static_cast<int>(http::error::bad_obs_fold);
  }

  void decided(admission a) {
    if (!awaiting_ || state_ != state::upgrading) return;
    awaiting_ = false;
    timer_.cancel();
    if (core_->stopping) return reject(503, "server stopping");
    if (!a.accepted) return reject(a.status, std::move(a.reason), a.retry_after_s);
    const auto& offered = upgrade_.offered;
    const bool offered_it = !a.subprotocol.empty() && std::find(offered.begin(), offered.end(), a.subprotocol) != offered.end();
    protocol_ok_ = offered_it || core_->options.subprotocols.empty();
    std::string chosen = offered_it ? a.subprotocol : std::string{};
    ws_.set_option(websocket::stream_base::decorator([chosen](websocket::response_type& res) {
      if (!chosen.empty()) res.set(http::field::sec_websocket_protocol, chosen);
    }));
    lowest().expires_never();  // the websocket timeouts take over
    websocket::stream_base::timeout t{};
    t.handshake_timeout = core_->options.handshake_timeout;
    t.idle_timeout = core_->options.idle_timeout.count() > 0 ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(core_->options.idle_timeout)
                                                            : websocket::stream_base::none();
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(core_->options.read_message_max);
    conn_ = std::make_shared<connection_impl>(id_, upgrade_.station_id, remote_, core_->options.max_queued_messages,
                                              core_->options.max_queued_bytes, a.authenticated);
    conn_->attach(self(), std::move(chosen));
    ws_.async_accept(req_, [self = self()](beast::error_code ec) { self->on_accept(ec); });
  }

  void reject(int status, std::string reason, int retry_after_s = 0) {
    awaiting_ = false;
    timer_.cancel();
    auto code = http::int_to_status(static_cast<unsigned>(status));
    if (code == http::status::unknown || status < 400) code = http::status::forbidden;
    res_ = std::make_shared<http::response<http::string_body>>(code, req_.version());
    if (code == http::status::unauthorized) res_->set(http::field::www_authenticate, "Basic realm=\"ocpp\"");
    if (retry_after_s > 0) res_->set(http::field::retry_after, std::to_string(retry_after_s));
    res_->set(http::field::content_type, "text/plain");
    res_->keep_alive(false);
    res_->body() = std::move(reason);
    res_->prepare_payload();
    lowest().expires_after(core_->options.handshake_timeout);
    http::async_write(ws_.next_layer(), *res_, [self = self()](beast::error_code, std::size_t) {
      self->finish({ws_close_reason::closed_locally, 0, "upgrade refused"});
    });
  }

  void on_accept(beast::error_code ec) {
    if (state_ != state::upgrading) return;
    if (ec) return finish({ws_close_reason::error, 0, "accept: " + ec.message()});
    if (!protocol_ok_) {
      // OCPP-J §3.3: accept without a subprotocol, then close; the owner never sees it open.
      state_ = state::closing;
      close_sent_ = true;
      ws_.async_close(websocket::close_reason(websocket::close_code::protocol_error, "no supported subprotocol"),
                      [](beast::error_code) {});
      return do_read();
    }
    state_ = state::open;
    opened_ = true;
    safe_call(core_->callbacks.on_open, conn_ptr());
    do_read();
  }

  void do_read() {
    ws_.async_read(buffer_, [self = self()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return finish(classify(ec));
    if (state_ != state::open) {  // closing: drain until the peer's close frame
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
    safe_call(core_->callbacks.on_text, conn_ptr(), std::move(text));
    do_read();
  }

  ws_close_info classify(beast::error_code ec) {
    const auto& peer = ws_.reason();
    if (reason_) {
      const std::uint16_t code = close_code_ ? close_code_ : static_cast<std::uint16_t>(peer.code);
      return {*reason_, code, ec == websocket::error::closed ? std::string(peer.reason.c_str()) : ec.message()};
    }
    // A close frame arrived even if the teardown after it failed (Beast then reports the socket error).
    if (ec == websocket::error::closed || (peer.code != websocket::close_code::none && ec != websocket::error::message_too_big))
      return {ws_close_reason::closed_by_peer, static_cast<std::uint16_t>(peer.code), std::string(peer.reason.c_str())};
    if (ec == beast::error::timeout) return {ws_close_reason::idle_timeout, 0, "idle timeout"};
    if (ec == websocket::error::message_too_big) return {ws_close_reason::too_big, 1009, "message too big"};
    return {ws_close_reason::error, 0, ec.message()};
  }

  void begin_close(std::uint16_t code, std::string reason, ws_close_reason why) {
    if (state_ != state::open) return;
    state_ = state::closing;
    reason_ = why;
    close_code_ = code;
    close_text_ = std::move(reason);
    conn_->refuse_sends();
    do_write();  // flushes what was queued, then sends the close frame
  }

  void drop_now(ws_close_reason why) {
    if (state_ == state::done) return;
    if (!reason_) reason_ = why;
    if (conn_) conn_->drop();
    beast::error_code ec;
    lowest().socket().close(ec);  // the pending read (if any) fails and finishes the session
    if (state_ == state::upgrading && awaiting_) finish({why, 0, "dropped while upgrading"});
  }

  void do_write() {
    if (writing_ || close_sent_ || (state_ != state::open && state_ != state::closing)) return;
    if (!conn_->pop(out_)) {
      if (state_ == state::closing) {
        close_sent_ = true;
        ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_text_), [](beast::error_code) {});
      }
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(out_), [self = self()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    conn_->written(out_.size());
    out_ = std::string();  // releases the message's memory now
    if (ec) {
      if (!reason_) reason_ = ws_close_reason::error;
      beast::error_code ignored;
      lowest().socket().close(ignored);
      return;
    }
    do_write();
  }

  void finish(ws_close_info info) {
    if (state_ == state::done) return;
    state_ = state::done;
    awaiting_ = false;
    timer_.cancel();
    if (conn_) conn_->drop();
    beast::error_code ec;
    lowest().socket().close(ec);
    // The slot is free before on_close, so an owner reacting to it can admit a successor at once;
    // the session leaves the registry after, so stop() waits for the callback.
    uncount();
    if (opened_) safe_call(core_->callbacks.on_close, conn_ptr(), info);
    release();
  }

  void uncount() {
    if (counted_) core_->uncount();
    counted_ = false;
  }

  void release() {
    uncount();
    core_->remove(id_);
  }

  std::shared_ptr<server_core> core_;
  websocket::stream<NextLayer> ws_;
  net::steady_timer timer_;
  const std::uint64_t id_;
  bool counted_;
  std::string remote_, remote_address_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> req_;
  std::shared_ptr<http::response<http::string_body>> res_;
  upgrade_request upgrade_;
  std::shared_ptr<connection_impl> conn_;
  state state_ = state::upgrading;
  bool awaiting_ = false;      // admission asked, not answered
  bool protocol_ok_ = false;
  bool opened_ = false;        // on_open was called: on_close is owed
  bool writing_ = false;
  bool close_sent_ = false;
  std::string out_;            // the message being written
  std::optional<ws_close_reason> reason_;  // our reason for ending, when we started it
  std::uint16_t close_code_ = 0;
  std::string close_text_;
};

}  // namespace swaptwin::adapters::ws_detail
