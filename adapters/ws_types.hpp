#pragma once
/// Values shared by the WebSocket server (ws_server.hpp) and client (ws_client.hpp): why a
/// connection ended. No Boost here: the gateway and the emulator include this without Beast.

#include <cstdint>
#include <string>

namespace swaptwin::adapters {

/// Why a WebSocket connection ended (exactly one per opened connection).
enum class ws_close_reason {
  closed_by_peer,    ///< the peer sent a close frame (its code is in ws_close_info::code)
  closed_locally,    ///< our side called close()
  idle_timeout,      ///< nothing received (not even a pong) within the idle timeout
  too_big,           ///< the peer sent a message above read_message_max (closed with 1009)
  unsupported_data,  ///< the peer sent a binary message (closed with 1003)
  slow_reader,       ///< the outbound queue hit its bound: the peer does not read fast enough
  server_stop,       ///< the server is stopping (closed with 1001, or dropped at the deadline)
  error,             ///< the socket failed (reset, broken pipe, TLS error)
};

/// Stable name of a close reason ("idle_timeout"), for logs.
const char* to_string(ws_close_reason reason) noexcept;

/// How a connection ended.
struct ws_close_info {
  ws_close_reason reason = ws_close_reason::error;
  std::uint16_t code = 0;   ///< the WebSocket close code sent or received, 0 when none was exchanged
  std::string message;      ///< the peer's close reason text or the socket error, for logs
};

/// HTTP Basic credentials (OCPP security profile 1: user = station id).
struct ws_basic_credentials {
  std::string user;
  std::string password;
};

/// Standard Base64 (RFC 4648, with padding) of `data`.
std::string base64_encode(const std::string& data);

/// Decodes standard Base64; false on a malformed input (bad character, bad length or padding).
bool base64_decode(const std::string& text, std::string& out);

}  // namespace swaptwin::adapters
