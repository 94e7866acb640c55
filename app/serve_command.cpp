// `swaptwin serve`: the live back end. Real cabinets connect to the OCPP 2.1 gateway; the actor
// twin runs on CAF's work-stealing scheduler and the real clock; SQLite is owned by the store actor.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>

#include "actors/clock.hpp"
#include "actors/protocol.hpp"
#include "adapters/api_server.hpp"
#include "adapters/feed_hub.hpp"
#include "adapters/live_clock.hpp"
#include "adapters/ocpp_gateway.hpp"
#include "adapters/store_actor.hpp"
#include "app/cli.hpp"

namespace swaptwin::app {

namespace {

struct serve_args {
  std::string db = "swaptwin.db";
  std::string listen = "127.0.0.1:9000";
  std::int64_t heartbeat_s = 60;
  int offline_after_beats = 3;
  std::string tls_cert, tls_key;
  double call_timeout_s = 30;
  int io_threads = 1;
  std::string api_listen;  // empty: no operator API
  double feed_rescan_s = 5;  // the feed's full re-read (changes by other processes)
  std::size_t feed_queue_kib = 4096;
  adapters::admission_policy admission;  // --refuse-unauthenticated, --max-pending-per-address, --max-pending
};

// "ADDR:PORT" or "[V6ADDR]:PORT" into its parts; false when it is neither.
bool split_listen(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto digits = text.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  const auto n = std::stoul(digits);
  if (n > 65535) return false;
  port = static_cast<std::uint16_t>(n);
  return true;
}

bool loopback(const std::string& host) { return host.rfind("127.", 0) == 0 || host == "::1" || host == "localhost"; }

// Says once, at start, which accepted stations admission will refuse and what to do about it.
// False when the database cannot be opened (it is created and migrated here otherwise).
bool report_credentials(const serve_args& a) {
  std::map<adapters::station_credential, std::size_t> n;
  try {
    adapters::store db{a.db};
    n = db.accepted_credential_counts();
  } catch (const std::exception& e) {
    std::cerr << "swaptwin serve: cannot open " << a.db << ": " << e.what() << '\n';
    return false;
  }
  if (const auto missing = n[adapters::station_credential::missing])
    std::cerr << "swaptwin serve: " << missing << " accepted station(s) have no password and are not marked "
              << "--no-password: their cabinets are refused (HTTP 401) until an operator runs `swaptwin admin station "
              << "set-password SN --password P` (or --generate), or `... SN --no-password` to admit them without "
              << "credentials; list them with `swaptwin admin station list --credential missing`\n";
  if (const auto none = n[adapters::station_credential::none]) {
    if (a.admission.refuse_unauthenticated)
      std::cerr << "swaptwin serve: --refuse-unauthenticated: " << none << " station(s) marked --no-password are "
                << "refused (HTTP 401) until they have a password (`swaptwin admin station set-password SN ...`)\n";
    else
      std::cerr << "swaptwin serve: " << none << " station(s) marked --no-password are admitted without credentials "
                << "(--refuse-unauthenticated refuses them)\n";
  }
  return true;
}

int serve(const serve_args& a) {
  std::string host;
  std::uint16_t port = 0;
  if (!split_listen(a.listen, host, port)) {
    std::cerr << "swaptwin: usage: --listen: \"" << a.listen << "\" is not ADDR:PORT (e.g. 127.0.0.1:9000)\n";
    return 2;
  }
  if (a.tls_cert.empty() != a.tls_key.empty()) {
    std::cerr << "swaptwin: usage: --tls-cert and --tls-key go together (PEM certificate chain and its private key)\n";
    return 2;
  }
  if (a.heartbeat_s < 1 || a.offline_after_beats < 1) {
    std::cerr << "swaptwin: usage: --heartbeat-s and --offline-after-beats must be at least 1\n";
    return 2;
  }
  if (!loopback(host))
    std::cerr << "swaptwin serve: warning: listening on " << host
              << ", not a loopback address: anyone who can reach it may connect (cabinets need their passwords set; "
                 "--refuse-unauthenticated admits no cabinet without one)\n";
  if (!report_credentials(a)) return 1;

  std::string api_host;
  std::uint16_t api_port = 0;
  if (!a.api_listen.empty()) {
    if (!split_listen(a.api_listen, api_host, api_port)) {
      std::cerr << "swaptwin: usage: --api-listen: \"" << a.api_listen << "\" is not ADDR:PORT (e.g. 127.0.0.1:9001)\n";
      return 2;
    }
    if (!loopback(api_host))
      std::cerr << "swaptwin serve: warning: the operator API listens on " << api_host
                << ", not a loopback address: tokens travel in clear text (no TLS on the API yet)\n";
  }

  // SIGINT and SIGTERM are blocked in every thread (the actor system's and Asio's threads inherit
  // the mask) and taken by sigwait below, so shutdown runs on this thread in order.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  actors::system_config cfg;
  actors::register_types(cfg);
  cfg.unix_offset_ms = adapters::live_unix_offset_ms();  // the one wall-clock read: actors add it to their clock
  int code = 0;
  // The operator API opens its own store connection before the store actor opens its one, so a
  // new database is migrated by one of them at a time.
  // The operator feed's hub reads the same file through its own connection (the database is
  // created and migrated first, by a connection of its own).
  std::unique_ptr<adapters::feed_hub> hub;
  std::unique_ptr<adapters::api_server> api;
  if (!a.api_listen.empty()) {
    adapters::feed_hub_options h;
    h.db_path = a.db;
    h.db.cache_kib = 8192;  // it re-reads the tables every few seconds: the OS page cache serves them
    h.rescan_interval = std::chrono::milliseconds{static_cast<std::int64_t>(a.feed_rescan_s * 1000)};
    hub = std::make_unique<adapters::feed_hub>(h);
    std::string error;
    try {
      adapters::store migrate{a.db};
    } catch (const std::exception& e) {
      std::cerr << "swaptwin serve: cannot open " << a.db << ": " << e.what() << '\n';
      return 1;
    }
    if (!hub->open(&error)) {
      std::cerr << "swaptwin serve: cannot start the operator feed: " << error << '\n';
      return 1;
    }
    hub->start();
    adapters::api_server_options o;
    o.db_path = a.db;
    o.address = api_host;
    o.port = api_port;
    o.feed = hub.get();
    o.feed_queue_bytes = a.feed_queue_kib * 1024;
    api = std::make_unique<adapters::api_server>(o);
    if (!api->start(&error)) {
      std::cerr << "swaptwin serve: cannot start the operator API: " << error << '\n';
      return 1;
    }
  }
  {
    caf::actor_system sys{cfg};
    // Detached: its handlers block on SQLite, which must not hold a worker of the scheduler.
    adapters::store_actor_config store_cfg;
    store_cfg.path = a.db;
    if (hub) store_cfg.on_committed = [h = hub.get()](const adapters::store_commit& c) { h->committed(c); };
    auto store = sys.spawn<caf::detached>(adapters::store_actor, store_cfg);
    {
      adapters::gateway_config g;
      g.server.address = host;
      g.server.port = port;
      g.heartbeat_s = a.heartbeat_s;
      g.offline_after_beats = a.offline_after_beats;
      g.server.tls_cert_file = a.tls_cert;
      g.server.tls_key_file = a.tls_key;
      g.server.threads = a.io_threads;
      g.call_timeout_ms = static_cast<std::int64_t>(a.call_timeout_s * 1000);
      g.admission = a.admission;
      adapters::ocpp_gateway gateway{sys, store, g};
      std::string error;
      if (!gateway.start(&error)) {
        std::cerr << "swaptwin serve: cannot start: " << error << '\n';
        code = 1;
      } else {
        std::cout << "listening on " << host << ':' << gateway.port() << (a.tls_cert.empty() ? " (ws)" : " (wss)")
                  << std::endl;
        if (api) {
          std::cout << "api listening on " << api_host << ':' << api->port() << std::endl;
          std::cout << "feed at ws://" << api_host << ':' << api->port() << "/api/v1/feed" << std::endl;
        }
        int sig = 0;
        sigwait(&stop_signals, &sig);
        std::cerr << "swaptwin serve: " << ::strsignal(sig) << ": shutting down\n";
      }
      if (api) api->stop();  // no API request from here on
      gateway.stop();  // no cabinet traffic from here on; sessions and stations end
    }
    {  // whatever the store still buffers is committed before it goes
      caf::scoped_actor self{sys};
      self->request(store, std::chrono::seconds{10}, actors::flush_atom::value)
          .receive([](std::int64_t) {},
                   [&](caf::error& e) {
                     std::cerr << "swaptwin serve: store: last flush failed: " << caf::to_string(e) << '\n';
                     code = 1;
                   });
    }
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  }  // ~actor_system waits for every actor to end
  if (hub) {
    hub->stop();
    const auto f = hub->stats();
    const auto s = api->feed_stats();
    std::cerr << "swaptwin serve: feed: " << f.commits << " commits, " << f.stations_marked << " station marks, "
              << f.station_deltas << " station deltas in " << f.batches << " batches, " << f.rescans
              << " re-reads (longest " << static_cast<long>(f.rescan_ms_max) << " ms), " << s.subscribed
              << " subscriptions, " << s.messages << " messages sent, " << s.resyncs << " resyncs, " << s.closed_slow
              << " closed slow\n";
  }
  return code;
}

}  // namespace

void add_serve_command(CLI::App& app, command& chosen) {
  auto a = std::make_shared<serve_args>();
  auto* c = app.add_subcommand(
      "serve",
      "Run the live back end: cabinets connect over OCPP 2.1 (WebSocket, or TLS with --tls-cert). Admission by "
      "SN and password (HTTP Basic; none only for stations marked --no-password), station ids checked against "
      "OCPP's identity rules (400), BootNotification (unknown SNs held pending at the upgrade, within caps per "
      "source address and in all, until `admin station accept`), "
      "Heartbeat, StatusNotification, Authorize, BatterySwap (answered once durable; a resent event changes "
      "nothing), NotifyEvent alarms, offline detection, desired settings pushed at boot. `swaptwin admin` works "
      "on the same database meanwhile. Stops cleanly on SIGTERM or SIGINT");
  c->add_option("--db", a->db, "Back-office database (the one `swaptwin admin` uses)")->envname("SWAPTWIN_DB");
  c->add_option("--listen", a->listen,
                "ADDR:PORT to listen on (default 127.0.0.1:9000; a non-loopback address is an explicit choice and "
                "prints a warning; port 0 picks a free one)");
  c->add_option("--heartbeat-s", a->heartbeat_s, "Heartbeat interval told to cabinets at boot, in seconds (default 60)");
  c->add_option("--offline-after-beats", a->offline_after_beats,
                "A silent cabinet is offline after this many missed heartbeats (default 3)");
  c->add_option("--tls-cert", a->tls_cert, "PEM certificate chain: serve wss:// (OCPP security profile 2); needs --tls-key")
      ->check(CLI::ExistingFile);
  c->add_option("--tls-key", a->tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  c->add_option("--call-timeout-s", a->call_timeout_s, "Our CALL to a cabinet unanswered this long has failed (default 30)")
      ->check(CLI::PositiveNumber);
  c->add_option("--api-listen", a->api_listen,
                "ADDR:PORT of the operator API (JSON over HTTP, bearer tokens from `swaptwin admin token add`) and its "
                "feed: WebSocket GET /api/v1/feed, a snapshot then deltas (proto/swaptwin/v1/feed.proto), binary "
                "protobuf or ?format=json; default off; 127.0.0.1 recommended (a non-loopback address prints a "
                "warning); port 0 picks a free one");
  c->add_option("--feed-rescan-s", a->feed_rescan_s,
                "The feed re-reads every station this often, in seconds, to see changes made by other processes "
                "(`swaptwin admin`); changes made here are seen within 100 ms (default 5)")
      ->check(CLI::Range(0.1, 3600.0));
  c->add_option("--feed-queue-kib", a->feed_queue_kib,
                "A feed subscriber's outbound queue, in KiB: one that falls further behind gets a fresh snapshot, "
                "and one that falls behind again after 3 of those within a minute is closed (default 4096)")
      ->check(CLI::Range(16, 1048576));
  c->add_option("--io-threads", a->io_threads, "WebSocket I/O threads (default 1)")->check(CLI::Range(1, 16));
  c->add_flag("--refuse-unauthenticated", a->admission.refuse_unauthenticated,
              "Admit only cabinets that present their station's password: stations marked --no-password are refused "
              "(HTTP 401) and unknown SNs too (HTTP 404; none is held pending)");
  c->add_option("--max-pending-per-address", a->admission.max_pending_per_address,
                "Unknown SNs held pending from one source address; beyond, an unknown SN from there is refused with "
                "HTTP 429 and Retry-After until an operator accepts or rejects some (default 10)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
  c->add_option("--max-pending", a->admission.max_pending_total,
                "Pending stations in all; beyond, an unknown SN is refused with HTTP 503 and Retry-After (default 1000)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
  c->callback([a, &chosen] {
    chosen = [a](cli_context&) { return serve(*a); };
  });
}

}  // namespace swaptwin::app
