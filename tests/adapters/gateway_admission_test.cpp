// Cabinet admission under hostile input (issue 11), over real sockets on 127.0.0.1: credentials
// only by the operator's explicit choice, --refuse-unauthenticated, station ids checked against
// OCPP's identity rules at the upgrade, caps on pending stations, and rate-limited log lines.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "gateway_fixture.hpp"

namespace swaptwin::adapters {
namespace {

using namespace testing;

// One raw HTTP upgrade (for the headers ws_client does not show): the response head, "" on failure.
std::string raw_upgrade(std::uint16_t port, const std::string& target) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  timeval tv{5, 0};  // a deadline on every read and write
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string req = "GET " + target +
                            " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                            "Sec-WebSocket-Protocol: ocpp2.1\r\n\r\n";
    if (::send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

bool station_exists(const std::string& db_path, const std::string& sn) { return store{db_path}.station(sn).has_value(); }

TEST_F(gateway_test, a_station_with_no_credential_is_refused_until_the_operator_says_which) {
  {  // as a database from before migration 8 holds it: accepted, no password, not marked
    store db{db_};
    ASSERT_TRUE(db.add_pending_station("CAB-OLD", "1.0", twin::from_ms(0)));
    ASSERT_TRUE(db.set_registration("CAB-OLD", twin::registration::accepted));
  }
  start();
  {
    cabinet c(gw_->port(), "CAB-OLD");
    const auto r = c.connect();
    EXPECT_EQ(r.status, ws_connect_status::declined);
    EXPECT_EQ(r.http_status, 401);
    EXPECT_EQ(r.message, "no credentials configured for this station");
  }
  EXPECT_TRUE(wait_logged("CAB-OLD: refused from 127.0.0.1:"));
  EXPECT_TRUE(logged("HTTP 401 no credentials configured for this station: it has no password and is not marked "
                     "--no-password: run `swaptwin admin station set-password CAB-OLD --password P` (or --generate), or "
                     "`... CAB-OLD --no-password` to admit it without credentials"));
  {  // `swaptwin admin station set-password CAB-OLD --no-password`
    store db{db_};
    ASSERT_TRUE(db.set_station_no_password("CAB-OLD"));
    EXPECT_EQ(db.credential_of("CAB-OLD"), station_credential::none);
  }
  auto& c = make_cabinet("CAB-OLD");
  ASSERT_EQ(c.connect().status, ws_connect_status::connected);
  EXPECT_EQ(c.call("BootNotification", boot_payload).at(2).at("status"), "Accepted");
  EXPECT_TRUE(logged("CAB-OLD: admitted from 127.0.0.1:"));
  EXPECT_TRUE(logged("without credentials (marked --no-password)"));
  EXPECT_EQ(gw_->counters().refused.load(), 1u);
}

TEST_F(gateway_test, refuse_unauthenticated_refuses_no_password_stations_and_unknown_sns) {
  accepted_station("CAB-NOPW");                      // marked --no-password
  accepted_station("CAB-PW", "correct-horse-battery");  // with a password
  start(60, 3, [](gateway_config& g) { g.admission.refuse_unauthenticated = true; });
  {
    cabinet c(gw_->port(), "CAB-NOPW");
    const auto r = c.connect();
    EXPECT_EQ(r.status, ws_connect_status::declined);
    EXPECT_EQ(r.http_status, 401);
    EXPECT_EQ(r.message, "credentials required");
  }
  {  // an unknown SN: not held pending (404), so nothing is written
    cabinet c(gw_->port(), "CAB-STRANGER");
    const auto r = c.connect();
    EXPECT_EQ(r.status, ws_connect_status::declined);
    EXPECT_EQ(r.http_status, 404);
    EXPECT_EQ(r.message, "unknown station");
  }
  EXPECT_FALSE(station_exists(db_, "CAB-STRANGER"));
  auto& ok = make_cabinet("CAB-PW", ws_basic_credentials{"CAB-PW", "correct-horse-battery"});
  ASSERT_EQ(ok.connect().status, ws_connect_status::connected);
  EXPECT_EQ(ok.call("BootNotification", boot_payload).at(2).at("status"), "Accepted");
  EXPECT_TRUE(wait_logged("CAB-NOPW: refused from 127.0.0.1:"));
  EXPECT_TRUE(logged("marked --no-password, and this gateway refuses unauthenticated cabinets (--refuse-unauthenticated)"));
  EXPECT_TRUE(logged("CAB-STRANGER: refused from 127.0.0.1:"));
  EXPECT_EQ(gw_->counters().refused.load(), 2u);
}

// A cabinet held pending is admitted without credentials (to be told Pending); once accepted, its
// connection may boot only with the credential the station has then.
TEST_F(gateway_test, a_pending_cabinet_accepted_without_a_credential_is_rejected_and_closed_at_its_boot) {
  start();
  auto& c = make_cabinet("CAB-NEW");
  ASSERT_EQ(c.connect().status, ws_connect_status::connected);
  ASSERT_EQ(c.call("BootNotification", boot_payload).at(2).at("status"), "Pending");
  {  // `station accept CAB-NEW` with no credential given
    store db{db_};
    ASSERT_TRUE(db.set_registration("CAB-NEW", twin::registration::accepted));
    EXPECT_EQ(db.credential_of("CAB-NEW"), station_credential::missing);
  }
  EXPECT_EQ(c.call("BootNotification", boot_payload).at(2).at("status"), "Rejected");
  ASSERT_TRUE(c.wait_closed());
  EXPECT_EQ(c.close_code, 1008);
  EXPECT_TRUE(logged("CAB-NEW: accepted, but the station has no password and is not marked --no-password: closed"));
  EXPECT_FALSE(gw_->station("CAB-NEW"));
  {  // reconnecting without a credential is refused at the upgrade now
    cabinet again(gw_->port(), "CAB-NEW");
    EXPECT_EQ(again.connect().http_status, 401);
  }
  {  // a password set while a pending connection was open: that connection cannot boot accepted either
    store db{db_};
    ASSERT_TRUE(db.set_station_password_hash("CAB-NEW", hash_password("cabinet-secret-0001", 1000)));
  }
  auto& with = make_cabinet("CAB-NEW", ws_basic_credentials{"CAB-NEW", "cabinet-secret-0001"});
  ASSERT_EQ(with.connect().status, ws_connect_status::connected);
  EXPECT_EQ(with.call("BootNotification", boot_payload).at(2).at("status"), "Accepted");
}

TEST_F(gateway_test, bad_station_ids_are_refused_400_at_the_upgrade_and_never_held) {
  start();
  struct bad {
    std::string path, message;
  };
  const std::vector<bad> cases{
      {"/ocpp/CAB%20001", "bad station id: station id holds a space: an OCPP identity is 1 to 48 of A-Z a-z 0-9 * - _ = + | @ ."},
      {"/ocpp/CAB;001", "bad station id: station id holds ';': an OCPP identity is 1 to 48 of A-Z a-z 0-9 * - _ = + | @ ."},
      {"/ocpp/CAB%FF01", "bad station id: station id holds byte 0xFF: an OCPP identity is 1 to 48 of A-Z a-z 0-9 * - _ = + | @ ."},
      {"/ocpp/" + std::string(49, 'C'), "bad station id: station id of 49 characters: OCPP allows at most 48"},
      {"/ocpp/CAB%3A1", "bad station id: station id holds ':': an OCPP identity is 1 to 48 of A-Z a-z 0-9 * - _ = + | @ ."},
      // An OCPP identity, but not an SN swaptwin stores: refused by the gateway, before any look-up.
      {"/ocpp/CAB*001", "bad station id: SN may contain only letters, digits, '-', '_' and '.'"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.path);
    ws_client_options o;
    o.port = gw_->port();
    o.path = k.path;
    o.handshake_timeout = 2s;
    ws_client client(o);
    const auto r = client.connect_and_wait(deadline);
    EXPECT_EQ(r.status, ws_connect_status::declined);
    EXPECT_EQ(r.http_status, 400);
    EXPECT_EQ(r.message, k.message);
  }
  EXPECT_EQ(gw_->counters().admitted.load(), 0u);
  store db{db_};
  EXPECT_TRUE(db.stations().empty()) << "nothing held pending, so nothing to answer 'retry later' forever";
  // 48 characters is the most OCPP allows: held pending like any unknown SN.
  auto& longest = make_cabinet(std::string(48, 'C'));
  ASSERT_EQ(longest.connect().status, ws_connect_status::connected);
  EXPECT_EQ(longest.call("BootNotification", boot_payload).at(2).at("status"), "Pending");
}

TEST_F(gateway_test, pending_stations_are_capped_per_address_with_429_and_in_all_with_503) {
  start(60, 3, [](gateway_config& g) {
    g.admission.max_pending_per_address = 2;
    g.admission.max_pending_total = 4;
    g.admission.pending_retry_after_s = 120;
  });
  for (const char* sn : {"NEW-1", "NEW-2"}) {
    auto& c = make_cabinet(sn);
    ASSERT_EQ(c.connect().status, ws_connect_status::connected) << sn;
  }
  // Held at the upgrade, before any boot: a flood of upgrades cannot outrun the cap.
  EXPECT_TRUE(station_exists(db_, "NEW-2"));
  auto head = raw_upgrade(gw_->port(), "/ocpp/NEW-3");
  EXPECT_EQ(head.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Retry-After: 120\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("too many pending stations from this address"), std::string::npos) << head;
  EXPECT_FALSE(station_exists(db_, "NEW-3"));
  EXPECT_TRUE(wait_logged("NEW-3: refused from 127.0.0.1:"));
  EXPECT_TRUE(logged("HTTP 429 too many pending stations from this address: 2 pending station(s) held from 127.0.0.1 "
                     "already (cap: serve --max-pending-per-address 2); accept or reject them (`swaptwin admin station "
                     "list --pending`, then `swaptwin admin station accept|reject SN`) or raise the cap"));
  // A known station is not capped: NEW-1 reconnects.
  auto& again = make_cabinet("NEW-1");
  EXPECT_EQ(again.connect().status, ws_connect_status::connected);
  {  // an operator accepts NEW-1 (127.0.0.1 holds 1 now), and three more are held from elsewhere: 4 in all
    store db{db_};
    ASSERT_TRUE(db.set_registration("NEW-1", twin::registration::accepted));
    for (const char* sn : {"FAR-1", "FAR-2", "FAR-3"})
      EXPECT_EQ(db.hold_pending_station(sn, "10.0.0.7", twin::from_ms(0), 10, 10), pending_hold::held);
    EXPECT_EQ(db.pending_counts("127.0.0.1"), (std::pair<std::size_t, std::size_t>{4, 1}));
    EXPECT_EQ(db.hold_pending_station("FAR-4", "10.0.0.7", twin::from_ms(0), 3, 10), pending_hold::address_full);
    EXPECT_EQ(db.hold_pending_station("FAR-4", "10.0.0.9", twin::from_ms(0), 3, 4), pending_hold::total_full);
    EXPECT_EQ(db.hold_pending_station("NEW-2", "10.0.0.9", twin::from_ms(0), 3, 10), pending_hold::exists);
  }
  head = raw_upgrade(gw_->port(), "/ocpp/NEW-4");
  EXPECT_EQ(head.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Retry-After: 120\r\n"), std::string::npos) << head;
  EXPECT_TRUE(wait_logged("HTTP 503 too many pending stations: 4 pending station(s) in all already (cap: serve "
                          "--max-pending 4)"));
  {  // an operator rejects one: room again
    store db{db_};
    ASSERT_TRUE(db.set_registration("FAR-1", twin::registration::rejected));
  }
  auto& fits = make_cabinet("NEW-4");
  EXPECT_EQ(fits.connect().status, ws_connect_status::connected);
  EXPECT_EQ(gw_->counters().refused_pending_cap.load(), 2u);
}

TEST_F(gateway_test, refusal_lines_are_rate_limited_gateway_wide_with_a_count) {
  start(60, 3, [](gateway_config& g) { g.refusal_log = log_limit{2, 600000}; });
  for (int i = 0; i < 5; ++i) {
    cabinet c(gw_->port(), "CAB*" + std::to_string(i));  // 400, refused on the I/O thread
    EXPECT_EQ(c.connect().http_status, 400);
  }
  EXPECT_EQ(gw_->counters().refused.load(), 5u);
  EXPECT_EQ(count_logged(": refused from "), 2u);
  gw_->stop();
  EXPECT_TRUE(logged("refused upgrades: 3 similar lines suppressed"));
}

TEST_F(gateway_test, bad_frame_lines_are_rate_limited_per_connection_with_a_count_at_close) {
  accepted_station("CAB-NOISY");
  accepted_station("CAB-QUIET");
  start(60, 3, [](gateway_config& g) { g.bad_frame_log = log_limit{3, 600000}; });
  auto& noisy = make_cabinet("CAB-NOISY");
  auto& quiet = make_cabinet("CAB-QUIET");
  ASSERT_EQ(noisy.connect().status, ws_connect_status::connected);
  ASSERT_EQ(quiet.connect().status, ws_connect_status::connected);
  for (int i = 0; i < 20; ++i) {
    auto r = noisy.exchange("garbage " + std::to_string(i));
    ASSERT_TRUE(r.is_array());  // every bad frame is still answered
    EXPECT_EQ(r.at(2), "RpcFrameworkError");
  }
  EXPECT_EQ(count_logged("CAB-NOISY: bad frame"), 3u);
  // Another connection has its own limiter.
  EXPECT_EQ(quiet.exchange("garbage").at(2), "RpcFrameworkError");
  EXPECT_TRUE(wait_logged("CAB-QUIET: bad frame"));
  noisy.client->close();
  EXPECT_TRUE(wait_logged("CAB-NOISY: 17 similar lines about bad frames suppressed before the connection ended"));
}

}  // namespace
}  // namespace swaptwin::adapters
