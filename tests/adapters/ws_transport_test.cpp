// The WebSocket transport (adapters/ws_server, ws_client) over real sockets on 127.0.0.1.
// Every wait is on a condition variable with a generous deadline: a timeout is a failure.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "adapters/ws_client.hpp"
#include "adapters/ws_server.hpp"
#include "adapters/ws_server_core.hpp"

namespace swaptwin::adapters {
namespace {

using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto deadline = 3s;

/// What the server's callbacks saw.
struct server_log {
  std::mutex m;
  std::condition_variable cv;
  std::vector<upgrade_request> admitted;
  std::vector<connection_ptr> opened;
  std::vector<std::string> texts;
  std::map<std::uint64_t, std::vector<ws_close_info>> closed;  // by connection id: must hold one each

  template <class P>
  bool wait(P pred, std::chrono::milliseconds timeout = deadline) {
    std::unique_lock<std::mutex> lock(m);
    return cv.wait_for(lock, timeout, pred);
  }
  std::size_t close_count() {
    std::size_t n = 0;
    for (auto& [id, v] : closed) n += v.size();
    return n;
  }
};

/// Callbacks that log, echo every text back, and admit with `decide_with` (accept by default).
ws_server_callbacks logging_callbacks(server_log& log,
                                      std::function<admission(const upgrade_request&)> decide_with = nullptr) {
  ws_server_callbacks cb;
  cb.admit = [&log, decide_with](const upgrade_request& req, std::function<void(admission)> decide) {
    {
      std::lock_guard<std::mutex> lock(log.m);
      log.admitted.push_back(req);
    }
    log.cv.notify_all();
    // Answer from another thread, as the gateway's actors will.
    std::thread([req, decide, decide_with] { decide(decide_with ? decide_with(req) : admission::accept(req.subprotocol)); })
        .detach();
  };
  cb.on_open = [&log](const connection_ptr& c) {
    std::lock_guard<std::mutex> lock(log.m);
    log.opened.push_back(c);
    log.cv.notify_all();
  };
  cb.on_text = [&log](const connection_ptr& c, std::string text) {
    c->send(text);
    std::lock_guard<std::mutex> lock(log.m);
    log.texts.push_back(std::move(text));
    log.cv.notify_all();
  };
  cb.on_close = [&log](const connection_ptr& c, const ws_close_info& info) {
    std::lock_guard<std::mutex> lock(log.m);
    log.closed[c->id()].push_back(info);
    log.cv.notify_all();
  };
  return cb;
}

ws_server_options test_options() {
  ws_server_options o;
  o.handshake_timeout = 2s;
  o.idle_timeout = 10s;
  o.stop_timeout = 300ms;
  return o;
}

/// What a client saw.
struct client_log {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> texts;
  std::optional<ws_close_info> closed;

  void attach(ws_client& c) {
    c.on_text([this](std::string t) {
      std::lock_guard<std::mutex> lock(m);
      texts.push_back(std::move(t));
      cv.notify_all();
    });
    c.on_close([this](const ws_close_info& info) {
      std::lock_guard<std::mutex> lock(m);
      closed = info;
      cv.notify_all();
    });
  }
  template <class P>
  bool wait(P pred, std::chrono::milliseconds timeout = deadline) {
    std::unique_lock<std::mutex> lock(m);
    return cv.wait_for(lock, timeout, pred);
  }
};

ws_client_options client_options(std::uint16_t port, std::string station = "CAB-001",
                                  std::vector<std::string> protocols = {"ocpp2.1", "ocpp2.0.1"}) {
  ws_client_options o;
  o.port = port;
  o.path = "/ocpp/" + station;
  o.subprotocols = std::move(protocols);
  o.handshake_timeout = 2s;
  return o;
}

/// A bare Beast client that does the upgrade and then reads nothing unless told: a silent or slow peer.
struct raw_client {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  explicit raw_client(std::uint16_t port, const std::string& station = "RAW-1") {
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(beast::http::field::sec_websocket_protocol, "ocpp2.1"); }));
    ws.handshake("127.0.0.1", "/ocpp/" + station);
  }
};

TEST(ws_transport, admit_sees_station_credentials_and_offer) {
  server_log log;
  ws_server server(test_options(), logging_callbacks(log));
  ASSERT_TRUE(server.start());
  auto opt = client_options(server.port(), "CAB%2D001");
  opt.credentials = ws_basic_credentials{"CAB-001", "pa:ss word"};
  ws_client client(opt);
  const auto r = client.connect_and_wait(deadline);
  ASSERT_EQ(r.status, ws_connect_status::connected) << r.message;
  EXPECT_EQ(r.http_status, 101);
  EXPECT_EQ(r.subprotocol, "ocpp2.1");
  ASSERT_TRUE(log.wait([&] { return log.opened.size() == 1; }));
  std::lock_guard<std::mutex> lock(log.m);
  ASSERT_EQ(log.admitted.size(), 1u);
  const auto& req = log.admitted[0];
  EXPECT_EQ(req.station_id, "CAB-001");
  EXPECT_EQ(req.target, "/ocpp/CAB%2D001");
  EXPECT_TRUE(req.has_credentials);
  EXPECT_EQ(req.credentials.user, "CAB-001");
  EXPECT_EQ(req.credentials.password, "pa:ss word");
  EXPECT_EQ(req.offered, (std::vector<std::string>{"ocpp2.1", "ocpp2.0.1"}));
  EXPECT_EQ(log.opened[0]->station_id(), "CAB-001");
  EXPECT_EQ(log.opened[0]->subprotocol(), "ocpp2.1");
  EXPECT_EQ(log.opened[0]->remote().rfind("127.0.0.1:", 0), 0u);
}

TEST(ws_transport, a_refused_upgrade_gives_the_client_its_http_status) {
  server_log log;
  ws_server server(test_options(), logging_callbacks(log, [](const upgrade_request& req) {
                     return req.has_credentials && req.credentials.password == "right" ? admission::accept(req.subprotocol)
                                                                                        : admission::reject(401, "bad password");
                   }));
  ASSERT_TRUE(server.start());
  auto opt = client_options(server.port());
  opt.credentials = ws_basic_credentials{"CAB-001", "wrong"};
  ws_client client(opt);
  const auto r = client.connect_and_wait(deadline);
  EXPECT_EQ(r.status, ws_connect_status::declined);
  EXPECT_EQ(r.http_status, 401);
  EXPECT_EQ(r.message, "bad password");

  // Station ids that are not OCPP identities (OCPP-J §3.1.1: identifierString without ':', at most
  // 48 characters) are refused with 400 and the reason, before the owner is asked.
  const std::string rule = ": an OCPP identity is 1 to 48 of A-Z a-z 0-9 * - _ = + | @ .";
  const std::vector<std::pair<std::string, std::string>> bad_ids{
      {"", "no station id in the path"},
      {"A:B", "station id holds ':'" + rule},
      {"A%3AB", "station id holds ':'" + rule},
      {"CAB%20001", "station id holds a space" + rule},
      {"CAB;001", "station id holds ';'" + rule},
      {"CAB%FF", "station id holds byte 0xFF" + rule},
      {"CAB%00", "station id holds byte 0x00" + rule},
      {"CAB%2F1", "station id holds '/'" + rule},
      {"CAB%zz", "bad percent-encoding in the station id"},
      {std::string(49, 'x'), "station id of 49 characters: OCPP allows at most 48"},
  };
  for (const auto& [station, why] : bad_ids) {
    ws_client bad(client_options(server.port(), station));
    const auto rb = bad.connect_and_wait(deadline);
    EXPECT_EQ(rb.status, ws_connect_status::declined) << station;
    EXPECT_EQ(rb.http_status, 400) << station;
    EXPECT_EQ(rb.message, "bad station id: " + why) << station;
  }
  std::lock_guard<std::mutex> lock(log.m);
  EXPECT_EQ(log.admitted.size(), 1u);
  EXPECT_TRUE(log.opened.empty());
}

// What is not an HTTP request, or too big, gets its status before the socket closes.
TEST(ws_transport, a_malformed_or_oversize_upgrade_request_gets_its_status) {
  server_log log;
  ws_server server(test_options(), logging_callbacks(log));
  ASSERT_TRUE(server.start());
  auto answer = [&](const std::string& request) {
    net::io_context ioc;
    tcp::socket sock{ioc};
    sock.connect({net::ip::make_address("127.0.0.1"), server.port()});
    net::write(sock, net::buffer(request));
    std::string out;
    beast::error_code ec;
    for (char buf[1024];;) {
      const auto n = sock.read_some(net::buffer(buf), ec);
      if (ec) break;
      out.append(buf, n);
    }
    return out;
  };
  auto status_line = [](const std::string& response) { return response.substr(0, response.find("\r\n")); };
  EXPECT_EQ(status_line(answer("NOT HTTP AT ALL\r\n\r\n")), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line(answer("\x16\x03\x01\x02\x00 a TLS hello on the plain port\r\n\r\n")), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(status_line(answer("GET /ocpp/CAB-1 HTTP/1.1\r\nX-Big: " + std::string(10000, 'a') + "\r\n\r\n")),
            "HTTP/1.1 431 Request Header Fields Too Large");
  // A raw byte in the path (not percent-encoded) is a valid HTTP target: the station id check refuses it.
  const auto raw_byte = answer("GET /ocpp/CAB\xff" "1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(status_line(raw_byte), "HTTP/1.1 400 Bad Request");
  EXPECT_NE(raw_byte.find("bad station id: station id holds byte 0xFF"), std::string::npos) << raw_byte;
  std::lock_guard<std::mutex> lock(log.m);
  EXPECT_TRUE(log.admitted.empty());
}

TEST(ws_transport, subprotocol_negotiation) {
  server_log log;
  ws_server server(test_options(), logging_callbacks(log));
  ASSERT_TRUE(server.start());
  {
    ws_client c(client_options(server.port(), "A", {"ocpp2.0.1"}));
    const auto r = c.connect_and_wait(deadline);
    ASSERT_EQ(r.status, ws_connect_status::connected) << r.message;
    EXPECT_EQ(r.subprotocol, "ocpp2.0.1");
  }
  {
    // The client's order does not matter: the server prefers ocpp2.1.
    ws_client c(client_options(server.port(), "B", {"ocpp2.0.1", "ocpp2.1"}));
    EXPECT_EQ(c.connect_and_wait(deadline).subprotocol, "ocpp2.1");
  }
  {
    // An OCPP 1.6 cabinet is accepted without a subprotocol and closed with 1002 (OCPP-J §3.3).
    auto opt = client_options(server.port(), "OLD", {"ocpp1.6"});
    opt.require_subprotocol = false;
    ws_client c(opt);
    client_log cl;
    cl.attach(c);
    const auto r = c.connect_and_wait(deadline);
    ASSERT_EQ(r.status, ws_connect_status::connected) << r.message;
    EXPECT_EQ(r.subprotocol, "");
    ASSERT_TRUE(cl.wait([&] { return cl.closed.has_value(); }));
    EXPECT_EQ(cl.closed->reason, ws_close_reason::closed_by_peer);
    EXPECT_EQ(cl.closed->code, 1002);
  }
  {
    // A client that requires one of its offers reports the refusal itself.
    ws_client c(client_options(server.port(), "OLD2", {"ocpp1.6"}));
    EXPECT_EQ(c.connect_and_wait(deadline).status, ws_connect_status::bad_subprotocol);
  }
  ASSERT_TRUE(log.wait([&] { return log.admitted.size() == 4; }));
  std::lock_guard<std::mutex> lock(log.m);
  EXPECT_EQ(log.admitted[2].subprotocol, "");
  for (const auto& c : log.opened) EXPECT_NE(c->station_id(), "OLD");
}

TEST(ws_transport, echo_round_trip) {
  server_log log;
  ws_server server(test_options(), logging_callbacks(log));
  ASSERT_TRUE(server.start());
  ws_client c(client_options(server.port()));
  client_log cl;
  cl.attach(c);
  ASSERT_EQ(c.connect_and_wait(deadline).status, ws_connect_status::connected);
  const std::string call = R"([2,"1","Heartbeat",{}])";
  ASSERT_TRUE(c.send(call));
  ASSERT_TRUE(cl.wait([&] { return !cl.texts.empty(); }));
  EXPECT_EQ(cl.texts[0], call);
  c.close(1000, "bye");
  ASSERT_TRUE(log.wait([&] { return log.close_count() == 1; }));
  std::lock_guard<std::mutex> lock(log.m);
  const auto& info = log.closed.begin()->second.at(0);
  EXPECT_EQ(info.reason, ws_close_reason::closed_by_peer);
  EXPECT_EQ(info.code, 1000);
  EXPECT_EQ(info.message, "bye");
}

TEST(ws_transport, an_oversize_message_closes_that_connection_only) {
  server_log log;
  auto opt = test_options();
  opt.read_message_max = 1024;
  ws_server server(opt, logging_callbacks(log));
  ASSERT_TRUE(server.start());
  ws_client big(client_options(server.port(), "BIG"));
  ws_client small(client_options(server.port(), "SMALL"));
  client_log big_log, small_log;
  big_log.attach(big);
  small_log.attach(small);
  ASSERT_EQ(big.connect_and_wait(deadline).status, ws_connect_status::connected);
  ASSERT_EQ(small.connect_and_wait(deadline).status, ws_connect_status::connected);
  ASSERT_TRUE(big.send(std::string(2000, 'x')));
  ASSERT_TRUE(big_log.wait([&] { return big_log.closed.has_value(); }));
  EXPECT_EQ(big_log.closed->code, 1009) << to_string(big_log.closed->reason) << " " << big_log.closed->message;
  ASSERT_TRUE(log.wait([&] { return log.close_count() == 1; }));
  {
    std::lock_guard<std::mutex> lock(log.m);
    EXPECT_EQ(log.closed.begin()->second.at(0).reason, ws_close_reason::too_big);
  }
  ASSERT_TRUE(small.send("still here"));
  ASSERT_TRUE(small_log.wait([&] { return !small_log.texts.empty(); }));
  EXPECT_EQ(small_log.texts[0], "still here");
}

TEST(ws_transport, a_binary_message_is_refused_with_1003) {
  server_log log;
  ws_server server(test_options(), logging_callbacks(log));
  ASSERT_TRUE(server.start());
  raw_client raw(server.port());
  raw.ws.binary(true);
  raw.ws.write(net::buffer(std::string("\x01\x02", 2)));
  beast::flat_buffer buffer;
  beast::error_code ec;
  raw.ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(raw.ws.reason().code, 1003);
  ASSERT_TRUE(log.wait([&] { return log.close_count() == 1; }));
  std::lock_guard<std::mutex> lock(log.m);
  EXPECT_EQ(log.closed.begin()->second.at(0).reason, ws_close_reason::unsupported_data);
}

TEST(ws_transport, idle_timeout_closes_a_silent_peer) {
  server_log log;
  auto opt = test_options();
  opt.idle_timeout = 300ms;
  ws_server server(opt, logging_callbacks(log));
  ASSERT_TRUE(server.start());
  // A live client answers the keep-alive pings (its read is pending) and stays.
  ws_client alive(client_options(server.port(), "ALIVE"));
  ASSERT_EQ(alive.connect_and_wait(deadline).status, ws_connect_status::connected);
  const auto t0 = std::chrono::steady_clock::now();
  raw_client silent(server.port(), "SILENT");  // never reads, so never answers a ping
  ASSERT_TRUE(log.wait([&] { return log.close_count() == 1; }));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 1500ms);
  std::lock_guard<std::mutex> lock(log.m);
  for (const auto& c : log.opened) {
    if (c->station_id() == "SILENT") EXPECT_EQ(log.closed.at(c->id()).at(0).reason, ws_close_reason::idle_timeout);
    else EXPECT_EQ(log.closed.count(c->id()), 0u) << "the client answering pings must stay";
  }
}

/// Sends `chunk` like a polite producer: waits (up to `stall`) for room under the bound before each
/// message, then sends anyway. Returns the messages accepted before a refusal (or `count`).
std::size_t paced_send(const connection_ptr& c, const std::string& chunk, std::size_t bound, std::size_t count,
                       std::chrono::milliseconds stall, std::size_t& peak) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto until = std::chrono::steady_clock::now() + stall;
    while (c->queued_bytes() + chunk.size() > bound && std::chrono::steady_clock::now() < until)
      std::this_thread::yield();
    if (!c->send(chunk)) return i;
    peak = std::max(peak, c->queued_bytes());
  }
  return count;
}

TEST(ws_transport, a_slow_reader_is_dropped_at_the_queue_bound) {
  server_log log;
  auto opt = test_options();
  opt.max_queued_bytes = 256 * 1024;
  opt.max_queued_messages = 1000;
  ws_server server(opt, logging_callbacks(log));
  ASSERT_TRUE(server.start());
  const std::string chunk(16 * 1024, 'y');
  std::size_t peak = 0;

  // A reader that keeps up gets 8 MB through the same bound.
  ws_client reader(client_options(server.port(), "READER"));
  client_log reader_log;
  reader_log.attach(reader);
  ASSERT_EQ(reader.connect_and_wait(deadline).status, ws_connect_status::connected);
  ASSERT_TRUE(log.wait([&] { return log.opened.size() == 1; }));
  connection_ptr good = log.opened[0];
  EXPECT_EQ(paced_send(good, chunk, opt.max_queued_bytes, 512, 2000ms, peak), 512u);
  ASSERT_TRUE(reader_log.wait([&] { return reader_log.texts.size() == 512; }));

  // One that stops reading fills the socket buffers, then the queue, and is dropped.
  raw_client slow(server.port(), "SLOW");
  ASSERT_TRUE(log.wait([&] { return log.opened.size() == 2; }));
  connection_ptr c = log.opened[1];
  const std::size_t sent = paced_send(c, chunk, opt.max_queued_bytes, 6400, 300ms, peak);
  EXPECT_LT(sent, 6400u) << "the queue never refused";
  EXPECT_LE(peak, opt.max_queued_bytes);
  EXPECT_FALSE(c->send("after the drop"));
  ASSERT_TRUE(log.wait([&] { return log.close_count() == 1; }));
  std::lock_guard<std::mutex> lock(log.m);
  EXPECT_EQ(log.closed.at(c->id()).at(0).reason, ws_close_reason::slow_reader);
  EXPECT_EQ(log.closed.count(good->id()), 0u);
  EXPECT_EQ(c->queued_bytes(), 0u);
  RecordProperty("kib_before_drop", static_cast<int>(sent * chunk.size() / 1024));
  RecordProperty("peak_queued_kib", static_cast<int>(peak / 1024));
}

TEST(ws_transport, max_connections_answers_503) {
  server_log log;
  auto opt = test_options();
  opt.max_connections = 2;
  ws_server server(opt, logging_callbacks(log));
  ASSERT_TRUE(server.start());
  ws_client a(client_options(server.port(), "A")), b(client_options(server.port(), "B"));
  ASSERT_EQ(a.connect_and_wait(deadline).status, ws_connect_status::connected);
  ASSERT_EQ(b.connect_and_wait(deadline).status, ws_connect_status::connected);
  {
    ws_client c(client_options(server.port(), "C"));
    const auto r = c.connect_and_wait(deadline);
    EXPECT_EQ(r.status, ws_connect_status::declined);
    EXPECT_EQ(r.http_status, 503);
  }
  a.close();
  ASSERT_TRUE(log.wait([&] { return log.close_count() == 1; }));
  EXPECT_EQ(server.connection_count(), 1u);  // the slot is free before on_close runs
  ws_client d(client_options(server.port(), "D"));
  EXPECT_EQ(d.connect_and_wait(deadline).status, ws_connect_status::connected);
}

TEST(ws_transport, stop_closes_every_connection_once_and_promptly) {
  server_log log;
  auto server = std::make_unique<ws_server>(test_options(), logging_callbacks(log));
  ASSERT_TRUE(server->start());
  std::vector<std::unique_ptr<ws_client>> clients;
  std::vector<std::unique_ptr<client_log>> logs;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<ws_client>(client_options(server->port(), "S" + std::to_string(i))));
    logs.push_back(std::make_unique<client_log>());
    logs.back()->attach(*clients.back());
    ASSERT_EQ(clients.back()->connect_and_wait(deadline).status, ws_connect_status::connected);
  }
  raw_client deaf(server->port(), "DEAF");  // never answers the close frame: dropped at stop_timeout
  ASSERT_TRUE(log.wait([&] { return log.opened.size() == 4; }));
  const auto t0 = std::chrono::steady_clock::now();
  server->stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 1500ms);
  std::lock_guard<std::mutex> lock(log.m);
  EXPECT_EQ(log.closed.size(), 4u);
  for (const auto& c : log.opened) {
    ASSERT_EQ(log.closed.count(c->id()), 1u);
    EXPECT_EQ(log.closed.at(c->id()).size(), 1u) << "exactly one on_close";
    EXPECT_EQ(log.closed.at(c->id()).at(0).reason, ws_close_reason::server_stop);
    EXPECT_FALSE(c->send("after stop"));
  }
  for (auto& l : logs) {
    ASSERT_TRUE(l->wait([&] { return l->closed.has_value(); }));
    EXPECT_EQ(l->closed->code, 1001);
  }
  RecordProperty("stop_ms", static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
}

/// Writes a fresh self-signed P-256 certificate for 127.0.0.1 / localhost and its key (PEM) into
/// `dir`, so no key material lives in the repository. False if OpenSSL refuses.
bool make_test_certificate(const std::filesystem::path& dir, std::string& cert_file, std::string& key_file) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  bool ok = key && cert;
  if (ok) {
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    X509_EXTENSION* ca = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "critical,CA:TRUE");
    ok = san && ca && X509_add_ext(cert, san, -1) && X509_add_ext(cert, ca, -1) && X509_sign(cert, key, EVP_sha256());
    X509_EXTENSION_free(san);
    X509_EXTENSION_free(ca);
  }
  cert_file = (dir / "ws_test.crt").string();
  key_file = (dir / "ws_test.key").string();
  if (ok) {
    FILE* c = std::fopen(cert_file.c_str(), "w");
    FILE* k = std::fopen(key_file.c_str(), "w");
    ok = c && k && PEM_write_X509(c, cert) && PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
    if (c) std::fclose(c);
    if (k) std::fclose(k);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

TEST(ws_transport, tls_echo_with_a_verified_certificate) {
  const auto dir = std::filesystem::temp_directory_path() / ("swaptwin_ws_tls_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string cert, key;
  ASSERT_TRUE(make_test_certificate(dir, cert, key));
  server_log log;
  auto opt = test_options();
  opt.tls_cert_file = cert;
  opt.tls_key_file = key;
  ws_server server(opt, logging_callbacks(log));
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  EXPECT_TRUE(server.tls());

  auto copt = client_options(server.port(), "TLS-1");
  copt.tls = true;
  copt.tls_ca_file = cert;  // verified: chain and host name (the certificate's IP SAN)
  copt.credentials = ws_basic_credentials{"TLS-1", "secret"};
  ws_client c(copt);
  client_log cl;
  cl.attach(c);
  const auto r = c.connect_and_wait(deadline);
  ASSERT_EQ(r.status, ws_connect_status::connected) << r.message;
  EXPECT_EQ(r.subprotocol, "ocpp2.1");
  ASSERT_TRUE(c.send("over tls"));
  ASSERT_TRUE(cl.wait([&] { return !cl.texts.empty(); }));
  EXPECT_EQ(cl.texts[0], "over tls");
  {
    std::lock_guard<std::mutex> lock(log.m);
    ASSERT_EQ(log.admitted.size(), 1u);
    EXPECT_EQ(log.admitted[0].credentials.password, "secret");
  }
  // A plain ws:// client gets no WebSocket from a TLS port.
  ws_client plain(client_options(server.port(), "PLAIN"));
  EXPECT_NE(plain.connect_and_wait(deadline).status, ws_connect_status::connected);
  // A client that trusts another CA refuses the server.
  std::string other_cert, other_key;
  const auto other = dir / "other";
  std::filesystem::create_directories(other);
  ASSERT_TRUE(make_test_certificate(other, other_cert, other_key));
  copt.tls_ca_file = other_cert;
  ws_client untrusting(copt);
  EXPECT_EQ(untrusting.connect_and_wait(deadline).status, ws_connect_status::failed);
  server.stop();
  std::filesystem::remove_all(dir);
}

TEST(ws_transport, helpers) {
  std::string out;
  for (const std::string s : {"", "f", "fo", "foo", "foob", "CAB-001:pa:ss"}) {
    ASSERT_TRUE(base64_decode(base64_encode(s), out));
    EXPECT_EQ(out, s);
  }
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_FALSE(base64_decode("Zm9v!g==", out));
  EXPECT_FALSE(base64_decode("Zm9", out));
  EXPECT_EQ(ws_detail::station_id_of("/ocpp/CAB-001?x=1"), "CAB-001");
  EXPECT_EQ(ws_detail::station_id_of("/ocpp/RDAM%7C123"), "RDAM|123");  // OCPP 2.1 Part 4's own example
  EXPECT_EQ(ws_detail::station_id_of("/ocpp/"), "");
  EXPECT_EQ(ws_detail::station_id_of("/ocpp/a%3Ab"), "");
  std::string why;
  EXPECT_EQ(ws_detail::station_id_of("/ocpp/a%2", &why), "");
  EXPECT_EQ(why, "bad percent-encoding in the station id");
  EXPECT_EQ(ocpp_identity_problem("aZ09*-_=+|@."), "");
  EXPECT_EQ(ocpp_identity_problem(std::string(48, 'z')), "");
  EXPECT_NE(ocpp_identity_problem("caf\xc3\xa9"), "");  // letters, but not ASCII ones
  ws_client_options o;
  ASSERT_TRUE(parse_ws_url("wss://example.org/ocpp/CAB-7", o));
  EXPECT_TRUE(o.tls);
  EXPECT_EQ(o.host, "example.org");
  EXPECT_EQ(o.port, 443);
  EXPECT_EQ(o.path, "/ocpp/CAB-7");
  ASSERT_TRUE(parse_ws_url("ws://127.0.0.1:9000/x", o));
  EXPECT_EQ(o.port, 9000);
  EXPECT_FALSE(parse_ws_url("http://x/", o));
  EXPECT_FALSE(parse_ws_url("ws://x:99999/", o));
}

}  // namespace
}  // namespace swaptwin::adapters
