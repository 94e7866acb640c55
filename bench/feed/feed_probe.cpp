// feed_probe: one subscriber of `swaptwin serve --api-listen`'s operator feed, for bench/feed/run.sh.
// Subscribes to ws://ADDR:PORT/api/v1/feed, applies every message to its board, counts station deltas
// and measures each message's delay from the oldest commit it reports (FeedDeltas.oldest_change_ms)
// to its arrival. It stops after --duration-s or at the first --quiet-s without a message after
// --min-s; then (with --verify) it takes a fresh snapshot on a second connection and compares it
// station by station with its board: equal means no change was lost. Prints one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "swaptwin/v1/feed.pb.h"

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace swaptwin;

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct subscription {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  bool timed_out = false;  // the last next() ended by its timeout (not by a close)
  subscription(const std::string& host, const std::string& port, const std::string& token) {
    tcp::resolver r{ioc};
    beast::get_lowest_layer(ws).connect(r.resolve(host, port));
    ws.set_option(websocket::stream_base::decorator(
        [token](websocket::request_type& req) { req.set(beast::http::field::authorization, "Bearer " + token); }));
    ws.read_message_max(512 * 1024 * 1024);
    ws.handshake(host + ":" + port, "/api/v1/feed");
  }
  // The next message; false on timeout (the stream is unusable then) or close. Asynchronous:
  // tcp_stream's timeout applies to asynchronous operations only.
  bool next(v1::FeedMessage& m, std::chrono::milliseconds timeout) {
    beast::flat_buffer buf;
    beast::get_lowest_layer(ws).expires_after(timeout);
    beast::error_code ec;
    ws.async_read(buf, [&](beast::error_code e, std::size_t) { ec = e; });
    ioc.restart();
    ioc.run();
    timed_out = ec == beast::error::timeout;
    if (ec) return false;
    return m.ParseFromString(beast::buffers_to_string(buf.data()));
  }
};

double pct(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))]);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"One operator-feed subscriber that counts, times and verifies what it receives"};
  std::string addr = "127.0.0.1:9001", token;
  double duration_s = 600, quiet_s = 0, min_s = 0;
  bool verify = false;
  int dump = 0;
  app.add_option("--api", addr, "ADDR:PORT of serve --api-listen");
  app.add_option("--token", token, "A bearer token (viewer)")->required();
  app.add_option("--duration-s", duration_s, "Stop after this long");
  app.add_option("--quiet-s", quiet_s, "Stop after this long without a message (0: never), once --min-s passed");
  app.add_option("--min-s", min_s, "Do not stop for quiet before this");
  app.add_flag("--verify", verify, "At the end, compare the board with a fresh snapshot");
  app.add_option("--dump", dump, "Print the first N delta messages to stderr (text format)");
  CLI11_PARSE(app, argc, argv);
  const auto colon = addr.rfind(':');
  const auto host = addr.substr(0, colon), port = addr.substr(colon + 1);

  subscription sub{host, port, token};
  const auto t0 = std::chrono::steady_clock::now();
  const auto end = t0 + std::chrono::milliseconds{static_cast<std::int64_t>(duration_s * 1000)};
  std::map<std::string, std::string> board;
  std::uint64_t messages = 0, snapshots = 0, resyncs = 0, station_deltas = 0, other_deltas = 0, seq_errors = 0, bytes = 0;
  std::uint64_t last_seq = 0;
  std::vector<std::int64_t> delay_ms;
  std::int64_t first_delta_ms = 0, last_delta_ms = 0;
  std::size_t snapshot_stations = 0, snapshot_bytes = 0;
  bool closed = false;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= end) break;
    // A read's timeout is set when it starts (and ends the stream): quiet counts from --min-s on.
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(end - now);
    const auto quiet_from = t0 + std::chrono::milliseconds{static_cast<std::int64_t>(min_s * 1000)};
    if (quiet_s > 0) {
      const auto quiet = std::chrono::milliseconds{static_cast<std::int64_t>(quiet_s * 1000)};
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(std::max(quiet_from, now) - now) + quiet);
    }
    v1::FeedMessage m;
    if (!sub.next(m, wait)) {
      closed = !sub.timed_out;
      break;
    }
    const auto arrived = unix_ms();
    ++messages;
    bytes += m.ByteSizeLong();
    if (m.seq() != last_seq + 1) ++seq_errors;
    last_seq = m.seq();
    if (m.has_snapshot()) {
      ++snapshots;
      if (m.snapshot().reason() != "subscribed") ++resyncs;
      board.clear();
      for (const auto& s : m.snapshot().stations()) board[s.sn()] = s.SerializeAsString();
      if (snapshots == 1) {
        snapshot_stations = board.size();
        snapshot_bytes = m.ByteSizeLong();
      }
      continue;
    }
    if (dump > 0) {
      --dump;
      std::cerr << m.DebugString() << '\n';
    }
    if (!first_delta_ms) first_delta_ms = arrived;
    last_delta_ms = arrived;
    if (m.deltas().oldest_change_ms() > 0) delay_ms.push_back(arrived - m.deltas().oldest_change_ms());
    for (const auto& d : m.deltas().deltas()) {
      if (d.has_station()) {
        ++station_deltas;
        board[d.station().sn()] = d.station().SerializeAsString();
      } else if (d.change_case() == v1::FeedDelta::kStationRemoved) {
        ++station_deltas;
        board.erase(d.station_removed());
      } else {
        ++other_deltas;
      }
    }
  }
  nlohmann::json out;
  out["elapsed_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out["messages"] = messages;
  out["bytes"] = bytes;
  out["snapshots"] = snapshots;
  out["resyncs"] = resyncs;
  out["seq_errors"] = seq_errors;
  out["closed_early"] = closed;
  out["snapshot_stations"] = snapshot_stations;
  out["snapshot_bytes"] = snapshot_bytes;
  out["station_deltas"] = station_deltas;
  out["other_deltas"] = other_deltas;
  out["delta_window_s"] = (last_delta_ms - first_delta_ms) / 1000.0;
  out["station_deltas_per_s"] =
      last_delta_ms > first_delta_ms ? station_deltas * 1000.0 / static_cast<double>(last_delta_ms - first_delta_ms) : 0.0;
  out["delay_ms"] = {{"n", delay_ms.size()},      {"p50", pct(delay_ms, 0.5)},   {"p90", pct(delay_ms, 0.9)},
                     {"p99", pct(delay_ms, 0.99)}, {"max", pct(delay_ms, 1.0)}};
  if (verify) {
    subscription fresh{host, port, token};
    v1::FeedMessage m;
    std::size_t differ = 0, missing = 0, extra = 0;
    if (fresh.next(m, std::chrono::seconds{60}) && m.has_snapshot()) {
      std::map<std::string, std::string> truth;
      for (const auto& s : m.snapshot().stations()) truth[s.sn()] = s.SerializeAsString();
      for (const auto& [sn, bytes_] : truth) {
        auto it = board.find(sn);
        if (it == board.end()) ++missing;
        else if (it->second != bytes_) ++differ;
      }
      for (const auto& [sn, b] : board) extra += truth.count(sn) ? 0 : 1;
      out["verify"] = {{"stations", truth.size()}, {"differ", differ}, {"missing", missing}, {"extra", extra}};
    } else {
      out["verify"] = "no snapshot";
    }
  }
  std::cout << out.dump() << std::endl;
  return 0;
}
