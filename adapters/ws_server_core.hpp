#pragma once
// Internal to the WebSocket server (ws_server.cpp, ws_session.hpp): the state shared by the
// listener and the sessions, and the connection handle with its bounded outbound queue. Not part of
// the adapters' public API; it is Beast-free so the queue logic compiles fast.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "adapters/ws_server.hpp"

namespace swaptwin::adapters::ws_detail {

/// What a session offers the listener, the server and its connection handle. Every method is
/// thread-safe: it posts the work to the session's strand.
class session_base : public std::enable_shared_from_this<session_base> {
 public:
  virtual ~session_base() = default;
  /// Starts the TLS handshake or the HTTP read.
  virtual void run() = 0;
  /// The outbound queue has a message and no writer is scheduled.
  virtual void kick() = 0;
  /// Begins a close handshake once the queue is drained.
  virtual void request_close(std::uint16_t code, std::string reason, ws_close_reason why) = 0;
  /// Drops the socket now (slow reader, stop deadline).
  virtual void teardown(ws_close_reason why) = 0;
  /// Server stop: refuse an upgrading connection, close an open one with 1001.
  virtual void shutdown() = 0;
  /// Called by stop() after the threads are joined: reports on_close if it never was.
  virtual void report_final() = 0;
  /// Hands a strong reference `me` (to this session) to the strand to be released there: a
  /// session must never be destroyed on a user thread, off its io_context, which dropping the
  /// last reference there would do whenever the strand let go of its own first.
  virtual void release(std::shared_ptr<session_base> me) = 0;
};

/// The connection handle: identity plus the outbound queue, shared between user threads
/// (send, close) and the session's strand (pop, written). The bound is checked here, before a
/// message is stored, so a slow reader can never make the queue exceed it.
class connection_impl final : public connection {
 public:
  connection_impl(std::uint64_t id, std::string station_id, std::string remote, std::size_t max_messages,
                  std::size_t max_bytes, bool authenticated = false);

  bool send(std::string text) override;
  void close(std::uint16_t code, std::string reason) override;
  std::uint64_t id() const noexcept override { return id_; }
  const std::string& station_id() const noexcept override { return station_id_; }
  const std::string& remote() const noexcept override { return remote_; }
  const std::string& subprotocol() const noexcept override { return subprotocol_; }
  bool authenticated() const noexcept override { return authenticated_; }
  std::size_t queued_bytes() const noexcept override;

  /// Set once by the session before on_open.
  void attach(std::weak_ptr<session_base> session, std::string subprotocol);
  /// Strand side: moves the oldest message out (its bytes still count until written()).
  bool pop(std::string& out);
  /// Strand side: a popped message of `bytes` bytes left the queue's accounting.
  void written(std::size_t bytes);
  /// No more sends accepted; queued messages stay to be flushed before the close frame.
  void refuse_sends();
  /// No more sends, and the queue is freed now (drop or end of the connection); queued_bytes() is 0.
  void drop();

 private:
  const std::uint64_t id_;
  const std::string station_id_;
  const std::string remote_;
  const std::size_t max_messages_;
  const std::size_t max_bytes_;
  const bool authenticated_;
  std::string subprotocol_;               // written once before the handle is published
  std::weak_ptr<session_base> session_;   // weak: a handle must not keep a socket alive

  mutable std::mutex mutex_;
  std::deque<std::string> queue_;
  std::size_t bytes_ = 0;                 // queue_ plus the message being written
  bool kick_posted_ = false;              // a writer is scheduled or running
  bool refusing_ = false;
};

/// State shared by the server, its listener and every session (owned by shared_ptr so sessions
/// destroyed with the io_context still find it alive).
struct server_core {
  ws_server_options options;
  ws_server_callbacks callbacks;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> next_id{1};
  std::atomic<std::size_t> counted{0};   // sessions counted against max_connections

  std::mutex mutex;
  std::condition_variable idle_cv;       // notified when `sessions` shrinks
  std::unordered_map<std::uint64_t, std::weak_ptr<session_base>> sessions;  // not yet finished

  /// Takes a connection slot if one is free.
  bool try_count();
  /// Gives a slot back.
  void uncount();
  /// Registers a running session until its end.
  void add(std::uint64_t id, std::weak_ptr<session_base> session);
  /// The session finished (idempotent).
  void remove(std::uint64_t id);
  /// Snapshot of the unfinished sessions.
  std::vector<std::shared_ptr<session_base>> live();
};

/// Runs a user callback; an exception from it is swallowed (it must not unwind an I/O thread).
template <class F, class... Args>
void safe_call(const F& f, Args&&... args) noexcept {
  if (!f) return;
  try {
    f(std::forward<Args>(args)...);
  } catch (...) {
  }
}

/// The station id of a request target: the last path segment, percent-decoded, without the query.
/// Empty when it is missing, undecodable or not an OCPP identity (ocpp_identity_problem), with the
/// reason in *why when given.
std::string station_id_of(const std::string& target, std::string* why = nullptr);

/// Parses "Basic <base64(user:password)>"; false when absent or malformed.
bool parse_basic(const std::string& header, ws_basic_credentials& out);

/// The first of `supported` (server preference) that appears in `offered` (exact match: RFC 6455
/// subprotocol names are case-sensitive).
std::string pick_subprotocol(const std::vector<std::string>& supported, const std::vector<std::string>& offered);

}  // namespace swaptwin::adapters::ws_detail
