#pragma once
/// A WebSocket client for the cabinet emulator and the tests: connects to
/// ws://host:port/<path>/<station id> (or wss://) offering subprotocols and HTTP Basic credentials,
/// checks that the server chose one of the offered subprotocols, then moves text messages. The
/// handshake is asynchronous so a declined upgrade's HTTP status (401, 503, ...) is reported
/// (Beast 1.74's blocking handshake hides it). Beast and Asio stay in the .cpp file.
///
/// Threads: a client runs on a ws_io (an io_context with its threads), its own by default or one
/// shared by many clients (an emulator of thousands of cabinets shares a few threads). Callbacks run
/// on that io's threads, one at a time per client.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/ws_types.hpp"

namespace swaptwin::adapters {

/// Where and how a client connects.
struct ws_client_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/";                    ///< request target, ending with the station id ("/ocpp/CAB-001")
  bool tls = false;                          ///< wss://
  std::string tls_ca_file;                   ///< wss: verify the server against this CA (PEM); empty = no verification (tests only)
  std::vector<std::string> subprotocols{"ocpp2.1", "ocpp2.0.1"};  ///< offered, most preferred first
  bool require_subprotocol = true;           ///< a server that picks none of them fails the connect
  std::optional<ws_basic_credentials> credentials;                ///< sent as "Authorization: Basic"
  std::chrono::milliseconds handshake_timeout{10000};  ///< TCP + TLS + upgrade; also the close handshake
  std::chrono::milliseconds idle_timeout{0};           ///< 0 = none; else pings at half and closes after
  std::size_t read_message_max = 1024 * 1024;          ///< bigger incoming message -> close 1009
  std::size_t max_queued_messages = 4096;              ///< outbound bound; beyond it the connection is dropped
  std::size_t max_queued_bytes = 4 * 1024 * 1024;
};

/// Fills host, port, path and tls from "ws://host:port/path" or "wss://..." (port defaults to 80 or
/// 443). False with a reason in *error when the URL is not one of these.
bool parse_ws_url(const std::string& url, ws_client_options& out, std::string* error = nullptr);

/// How a connect attempt ended.
enum class ws_connect_status {
  connected,        ///< open, with an offered subprotocol (or none required)
  declined,         ///< the server answered the upgrade with an HTTP status (in http_status)
  bad_subprotocol,  ///< the server chose none, or one not offered: closed with 1002
  timeout,          ///< no answer within the timeout
  failed,           ///< resolve, TCP, TLS or protocol error (in message)
};

/// Stable name of a connect status ("declined"), for logs.
const char* to_string(ws_connect_status status) noexcept;

/// The outcome of a connect.
struct ws_connect_result {
  ws_connect_status status = ws_connect_status::failed;
  int http_status = 0;        ///< 101 when connected, the refusal's status when declined
  std::string subprotocol;    ///< what the server chose
  std::string message;        ///< the error text or the refusal's body
};

/// An io_context with its threads, shareable by many clients. Destroying it stops and joins its
/// threads: do not destroy it (or the last client owning it) from one of its own callbacks.
class ws_io {
 public:
  /// Starts `threads` threads.
  explicit ws_io(int threads = 1);
  ~ws_io();
  ws_io(const ws_io&) = delete;
  ws_io& operator=(const ws_io&) = delete;

 private:
  friend class ws_client;
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// One client connection (connect once; make a new client to reconnect).
class ws_client {
 public:
  /// A client with these options on `io` (a private one-thread io when null).
  explicit ws_client(ws_client_options options, std::shared_ptr<ws_io> io = nullptr);
  /// Drops the connection without a close handshake (call close() first for a clean one); no
  /// callback runs after it returns.
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  /// Set before connect(): called for each text message.
  void on_text(std::function<void(std::string)> callback);
  /// Set before connect(): called once when an open connection ends.
  void on_close(std::function<void(const ws_close_info&)> callback);

  /// Starts connecting; `done` runs once on the io thread with the outcome.
  void connect(std::function<void(const ws_connect_result&)> done);
  /// Connects and waits at most `timeout` (for tests and simple tools).
  ws_connect_result connect_and_wait(std::chrono::milliseconds timeout);

  /// Queues a text message (one queued while connecting goes out once open); false before
  /// connect(), after the end, or when the outbound bound is exceeded (the connection is dropped).
  bool send(std::string text);
  /// Starts a close handshake once queued messages are sent.
  void close(std::uint16_t code = 1000, std::string reason = {});

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace swaptwin::adapters
