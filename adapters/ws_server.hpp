#pragma once
/// The WebSocket transport of the OCPP gateway: a server that real cabinets connect to at
/// ws://host:port/<any path>/<station id> (or wss:// with a certificate). It knows nothing of OCPP
/// frames or of actors: it reads the HTTP upgrade, asks its owner whether to admit the station,
/// negotiates the subprotocol, and then moves text messages in and out with bounded memory.
///
/// Threads: the server runs its own io_context on `threads` threads between start() and stop().
/// Each connection is served on a strand, so the callbacks of one connection never run
/// concurrently; callbacks of different connections may. Callbacks must not block for long (they
/// hold an I/O thread): hand work to actors and return. Beast and Asio stay in the .cpp files.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/ws_types.hpp"

namespace swaptwin::adapters {

/// Limits and settings of a ws_server. The defaults suit a city of cabinets on one machine.
struct ws_server_options {
  std::string address = "127.0.0.1";   ///< where to listen (binding elsewhere is an explicit choice)
  std::uint16_t port = 0;              ///< 0 = an ephemeral port (read it back with port())
  int threads = 1;                     ///< I/O threads running the io_context
  /// Subprotocols the server speaks, most preferred first; upgrade_request::subprotocol is the
  /// first of these the client offered. Empty = the server speaks plain WebSocket.
  std::vector<std::string> subprotocols{"ocpp2.1", "ocpp2.0.1"};
  std::size_t read_message_max = 64 * 1024;            ///< bigger incoming message -> close 1009
  std::chrono::milliseconds handshake_timeout{10000};  ///< TLS + HTTP upgrade + admission + accept; also the close handshake
  std::chrono::milliseconds idle_timeout{300000};      ///< nothing received for this long -> closed (a ping goes out at half)
  std::size_t max_connections = 20000;                 ///< beyond: the upgrade is answered 503
  std::size_t max_queued_messages = 1024;              ///< outbound queue bound per connection (messages)
  std::size_t max_queued_bytes = 1024 * 1024;          ///< outbound queue bound per connection (bytes)
  std::chrono::milliseconds stop_timeout{2000};        ///< stop(): how long close handshakes may take before sockets are dropped
  std::string tls_cert_file;   ///< PEM certificate chain; with tls_key_file set the server speaks wss://
  std::string tls_key_file;    ///< PEM private key
};

/// What a client asked for in its HTTP upgrade, handed to the admission callback.
struct upgrade_request {
  std::uint64_t connection_id = 0;       ///< the id its connection will have
  std::string target;                    ///< the request target as sent ("/ocpp/CAB-001")
  std::string station_id;                ///< last path segment, percent-decoded, an OCPP identity (ocpp_identity_problem)
  std::string remote;                    ///< "address:port" of the peer
  std::string remote_address;            ///< the peer's address alone ("127.0.0.1", "::1")
  bool has_credentials = false;          ///< a well-formed "Authorization: Basic" header was sent
  ws_basic_credentials credentials;      ///< decoded user and password (valid when has_credentials)
  std::vector<std::string> offered;      ///< Sec-WebSocket-Protocol values, in the client's order
  std::string subprotocol;               ///< the server's pick among `offered`, empty when none fits
};

/// The owner's answer to an upgrade request.
struct admission {
  bool accepted = false;
  /// Accepted: the subprotocol to answer with. Empty, or one the client did not offer, while the
  /// server has subprotocols configured: accepted without one and closed with 1002 (OCPP-J §3.3).
  std::string subprotocol;
  int status = 0;          ///< rejected: the HTTP status (400, 401, 403, 404, 429, 503)
  std::string reason;      ///< rejected: the response body, for the peer's logs
  int retry_after_s = 0;   ///< rejected: > 0 adds `Retry-After: N` (seconds) to the answer
  /// Accepted: the owner checked the peer's credentials; kept on the connection
  /// (connection::authenticated) for later decisions, e.g. at the cabinet's next boot.
  bool authenticated = false;

  /// Accept with this subprotocol (normally upgrade_request::subprotocol); `authenticated` when
  /// the peer's credentials were checked.
  static admission accept(std::string subprotocol, bool authenticated = false) {
    admission a;
    a.accepted = true;
    a.subprotocol = std::move(subprotocol);
    a.authenticated = authenticated;
    return a;
  }
  /// Refuse the upgrade with an HTTP status (401 adds a WWW-Authenticate: Basic challenge), and
  /// a Retry-After of `retry_after_s` seconds when it is > 0 (429, 503).
  static admission reject(int status, std::string reason, int retry_after_s = 0) {
    admission a;
    a.status = status;
    a.reason = std::move(reason);
    a.retry_after_s = retry_after_s;
    return a;
  }
};

/// One opened WebSocket connection. Handles are shared and thread-safe; holding one does not keep
/// the socket open, and every call on a handle whose connection ended is a harmless no-op.
class connection {
 public:
  virtual ~connection() = default;
  /// Queues a text message. False when the connection is closed or closing, or when the message
  /// would exceed the outbound bound: then the connection is dropped as a slow reader.
  virtual bool send(std::string text) = 0;
  /// Starts a close handshake with this code (1000 normal); messages queued before it are sent first.
  virtual void close(std::uint16_t code = 1000, std::string reason = {}) = 0;
  /// Server-unique id, never reused while the server lives.
  virtual std::uint64_t id() const noexcept = 0;
  /// The station id from the URL path.
  virtual const std::string& station_id() const noexcept = 0;
  /// The peer's "address:port".
  virtual const std::string& remote() const noexcept = 0;
  /// The negotiated subprotocol ("ocpp2.1").
  virtual const std::string& subprotocol() const noexcept = 0;
  /// Whether the owner checked the peer's credentials when it admitted it (admission::authenticated).
  virtual bool authenticated() const noexcept = 0;
  /// Bytes queued for sending, including the message being written (never above max_queued_bytes).
  virtual std::size_t queued_bytes() const noexcept = 0;
};

/// A shared handle on a connection.
using connection_ptr = std::shared_ptr<connection>;

/// Empty when `id` (percent-decoded) is a valid OCPP charging station identity, else why not, in
/// a few words fit for an HTTP 400 body. OCPP 2.0.1 and 2.1 Part 4 (OCPP-J) §3.1.1: the identity's
/// datatype is identifierString (Part 2: a-z A-Z 0-9 and * - _ = : + | @ .), without ':' (it is the
/// HTTP Basic user name), at most 48 characters. So: 1 to 48 of A-Z a-z 0-9 * - _ = + | @ . and
/// nothing else (no space, ';', '/', '%', control or non-ASCII byte).
std::string ocpp_identity_problem(std::string_view id);

/// Callbacks of a ws_server. Each runs on the connection's strand; an exception it throws is
/// caught and ignored (it must not take down an I/O thread). Unset ones do nothing.
struct ws_server_callbacks {
  /// Decides on an upgrade; call `decide` exactly once, from any thread, now or later. No answer
  /// within handshake_timeout is a 503. Unset: every station is accepted.
  std::function<void(const upgrade_request&, std::function<void(admission)> decide)> admit;
  /// A connection is open (after admission and the WebSocket accept).
  std::function<void(const connection_ptr&)> on_open;
  /// A text message arrived.
  std::function<void(const connection_ptr&, std::string text)> on_text;
  /// The connection ended; exactly once per on_open, never without one. Oversize messages
  /// (reason too_big) and slow readers (slow_reader) are reported here, for the gateway's log.
  std::function<void(const connection_ptr&, const ws_close_info&)> on_close;
};

/// The server. Not copyable; start() once, stop() (or the destructor) once.
class ws_server {
 public:
  /// A server with these options and callbacks; nothing listens until start().
  ws_server(ws_server_options options, ws_server_callbacks callbacks);
  /// Stops if running.
  ~ws_server();
  ws_server(const ws_server&) = delete;
  ws_server& operator=(const ws_server&) = delete;

  /// Loads the TLS files if set, binds, listens and starts the I/O threads. False (with the reason
  /// in *error when given) if the address, port or certificate is unusable.
  bool start(std::string* error = nullptr);
  /// Closes the listener, closes every connection with 1001 (dropping those that do not finish
  /// within stop_timeout), reports every on_close, and joins the threads. Idempotent.
  void stop();
  /// The bound port (the ephemeral one when options.port was 0); 0 before start().
  std::uint16_t port() const noexcept;
  /// Connections counted against max_connections now (upgrading or open).
  std::size_t connection_count() const noexcept;
  /// Whether the server speaks TLS (a certificate and key were configured).
  bool tls() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace swaptwin::adapters
