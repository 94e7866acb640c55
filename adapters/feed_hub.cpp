// The operator feed's hub (feed_hub.hpp): dirty marks in, re-reads, diffs, batches of deltas out.
#include "adapters/feed_hub.hpp"

#include <algorithm>
#include <condition_variable>
#include <optional>
#include <thread>

#include <google/protobuf/util/json_util.h>

#include "adapters/feed_view.hpp"
#include "adapters/sqlite.hpp"

namespace swaptwin::adapters {

namespace {

using clock_type = std::chrono::steady_clock;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::string to_json(const google::protobuf::Message& m) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out);
  return out;
}

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What one poll read from the database, before it is compared with the board.
struct reads {
  bool rescan = false;
  std::map<std::string, std::optional<std::string>> stations;  // SN -> FeedStation bytes, nullopt: gone
  std::optional<std::vector<twin::work_order>> open_orders;
  std::optional<std::map<std::string, v1::FeedAgent>> agents;
  std::optional<v1::FeedDashboard> dashboard;
  std::set<std::string> currencies;
  std::string tz;
};

}  // namespace

std::string encode_feed_deltas(std::uint64_t seq, const feed_batch& batch, bool json) {
  std::string out;
  if (json) {
    out.reserve(batch.json.size() + 32);
    out += "{\"seq\":\"" + std::to_string(seq) + "\",\"deltas\":";
    out += batch.json;
    out += '}';
    return out;
  }
  // A FeedMessage is its fields in any order: seq (1, varint), then deltas (3, length-delimited),
  // the FeedDeltas bytes encoded once for all subscribers.
  out.reserve(batch.binary.size() + 16);
  out.push_back(0x08);
  put_varint(out, seq);
  out.push_back(0x1A);
  put_varint(out, batch.binary.size());
  out += batch.binary;
  return out;
}

std::string encode_feed_snapshot(std::uint64_t seq, const v1::FeedSnapshot& snapshot, bool json) {
  v1::FeedMessage m;
  m.set_seq(seq);
  *m.mutable_snapshot() = snapshot;
  return json ? to_json(m) : m.SerializeAsString();
}

struct feed_hub::pending {
  std::set<std::string> dirty;
  bool work_orders = false;  // re-read open work orders and agents
  bool commits = false;      // something was committed: the dashboard is owed
  bool rescan = false;
  std::int64_t oldest_ms = 0;  // when the oldest mark not yet polled was made (Unix ms)
  std::uint64_t commits_seen = 0, stations_marked = 0;
};

struct feed_hub::board {
  std::map<std::string, std::string> stations;  // SN -> FeedStation bytes
  std::map<std::int64_t, v1::FeedWorkOrder> work_orders;  // open ones, by number (WO-9 before WO-10)
  std::map<std::string, v1::FeedAgent> agents;
  std::deque<v1::FeedAlert> alerts;  // oldest first
  v1::FeedDashboard dashboard;
  std::set<std::string> currencies;
  std::string tz = "UTC";
  std::uint64_t version = 0;
  std::map<std::uint64_t, listener> listeners;
  std::uint64_t next_listener = 0;
  feed_hub_stats stats;
};

struct feed_hub::runner {
  std::thread thread;
  std::condition_variable cv;
  bool stopping = false;
};

feed_hub::feed_hub(feed_hub_options options)
    : options_(std::move(options)), pending_(std::make_unique<pending>()), board_(std::make_unique<board>()) {
  if (options_.tick.count() <= 0) options_.tick = std::chrono::milliseconds{1};
}

feed_hub::~feed_hub() { stop(); }

twin::unix_ms feed_hub::now() const {
  if (options_.now) return options_.now();
  return twin::from_ms(unix_ms_now());
}

bool feed_hub::open(std::string* error) {
  try {
    auto o = options_.db;
    o.create = false;
    db_ = std::make_unique<store>(options_.db_path, o);
  } catch (const std::exception& e) {
    if (error) *error = "feed: database " + options_.db_path + ": " + e.what();
    return false;
  }
  request_rescan();
  (void)poll();  // version 0 stays: the first read fills the board without publishing
  std::lock_guard<std::mutex> lock(board_m_);
  if (board_->stats.errors > 0) {
    if (error) *error = "feed: cannot read " + options_.db_path;
    return false;
  }
  return true;
}

void feed_hub::committed(const store_commit& c) {
  std::lock_guard<std::mutex> lock(pending_m_);
  auto& p = *pending_;
  if (p.oldest_ms == 0) p.oldest_ms = unix_ms_now();
  p.dirty.insert(c.stations.begin(), c.stations.end());
  p.work_orders = p.work_orders || c.alerts;  // only alerts open work orders in the store actor's batches
  p.commits = true;
  ++p.commits_seen;
  p.stations_marked += c.stations.size();
}

void feed_hub::touch_station(const std::string& sn) { committed(store_commit{{sn}, 0, 0, true, false}); }

void feed_hub::request_rescan() {
  std::lock_guard<std::mutex> lock(pending_m_);
  pending_->rescan = true;
}

std::shared_ptr<const feed_batch> feed_hub::poll() {
  const auto t = clock_type::now();
  pending p;
  {
    std::lock_guard<std::mutex> lock(pending_m_);
    p.dirty.swap(pending_->dirty);
    std::swap(p.work_orders, pending_->work_orders);
    std::swap(p.commits, pending_->commits);
    std::swap(p.rescan, pending_->rescan);
    std::swap(p.oldest_ms, pending_->oldest_ms);
    p.commits_seen = pending_->commits_seen;
    p.stations_marked = pending_->stations_marked;
  }
  if (p.commits) dashboard_owed_ = true;
  reads r;
  r.rescan = p.rescan || t >= next_rescan_;
  const bool first = !board_->stats.rescans && r.rescan;
  try {
    auto& db = *db_;
    db.db().exec("BEGIN");  // one read snapshot of the database for the whole poll
    try {
      if (r.rescan) {
        for (auto& [sn, s] : read_feed_stations(db)) r.stations[sn] = s.SerializeAsString();
        r.tz = operator_timezone(db);
        r.currencies = used_currencies(db);
      } else {
        for (const auto& sn : p.dirty) {
          auto s = read_feed_station(db, sn);
          r.stations[sn] = s ? std::optional<std::string>{s->SerializeAsString()} : std::nullopt;
        }
      }
      if (r.rescan || p.work_orders) {
        r.open_orders = open_work_orders_sorted(db);
        r.agents = feed_agents(db, *r.open_orders);
      }
      if (r.rescan || (dashboard_owed_ && t >= next_dashboard_)) {
        std::string tz = r.rescan ? r.tz : std::string{};
        if (tz.empty()) {
          std::lock_guard<std::mutex> lock(board_m_);
          tz = board_->tz;
        }
        r.dashboard = read_feed_dashboard(db, now(), tz, &r.currencies);
      }
      db.db().exec("COMMIT");
    } catch (...) {
      try {
        db.db().exec("ROLLBACK");
      } catch (const std::exception&) {
      }
      throw;
    }
  } catch (const std::exception&) {
    // Unreadable for now (locked for longer than the busy timeout, a file error): keep the marks
    // for the next tick.
    std::lock_guard<std::mutex> lock(pending_m_);
    pending_->dirty.insert(p.dirty.begin(), p.dirty.end());
    pending_->work_orders = pending_->work_orders || p.work_orders;
    pending_->rescan = pending_->rescan || p.rescan;
    if (p.oldest_ms && (!pending_->oldest_ms || p.oldest_ms < pending_->oldest_ms)) pending_->oldest_ms = p.oldest_ms;
    std::lock_guard<std::mutex> block(board_m_);
    ++board_->stats.errors;
    return nullptr;
  }
  if (r.rescan) next_rescan_ = t + options_.rescan_interval;
  if (r.dashboard) {
    dashboard_owed_ = false;
    next_dashboard_ = t + options_.dashboard_interval;
  }
  const double read_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t).count();

  v1::FeedDeltas out;
  std::size_t station_deltas = 0;
  std::lock_guard<std::mutex> lock(board_m_);
  auto& b = *board_;
  b.stats.commits = p.commits_seen;
  b.stats.stations_marked = p.stations_marked;
  if (!r.rescan) b.stats.stations_read += r.stations.size();
  if (r.dashboard) ++b.stats.dashboards;
  if (r.rescan) {
    ++b.stats.rescans;
    b.stats.rescan_ms_max = std::max(b.stats.rescan_ms_max, read_ms);
    b.tz = r.tz;
    // Stations gone since the last read (deleted, rejected) are removed.
    for (auto it = b.stations.begin(); it != b.stations.end();) {
      if (r.stations.count(it->first)) {
        ++it;
        continue;
      }
      out.add_deltas()->set_station_removed(it->first);
      ++station_deltas;
      it = b.stations.erase(it);
    }
  }
  b.currencies.insert(r.currencies.begin(), r.currencies.end());
  for (auto& [sn, bytes] : r.stations) {
    auto it = b.stations.find(sn);
    if (!bytes) {
      if (it == b.stations.end()) continue;
      b.stations.erase(it);
      out.add_deltas()->set_station_removed(sn);
      ++station_deltas;
      continue;
    }
    if (it != b.stations.end() && it->second == *bytes) continue;
    if (!out.add_deltas()->mutable_station()->ParseFromString(*bytes)) continue;
    ++station_deltas;
    b.stations[sn] = std::move(*bytes);
  }
  if (r.open_orders) {
    std::map<std::int64_t, v1::FeedWorkOrder> open;
    std::vector<v1::FeedAlert> fresh;
    for (const auto& w : *r.open_orders) {
      auto v = feed_work_order(w);
      auto it = b.work_orders.find(w.id);
      if (it == b.work_orders.end()) fresh.push_back(feed_alert(w));
      if (it == b.work_orders.end() || it->second.SerializeAsString() != v.SerializeAsString())
        *out.add_deltas()->mutable_work_order() = v;
      open.emplace(w.id, std::move(v));
    }
    for (auto& [id, w] : b.work_orders) {
      if (open.count(id)) continue;
      w.set_state("resolved");  // no longer open: the last copy, resolved (the subscriber may drop it)
      *out.add_deltas()->mutable_work_order() = w;
    }
    b.work_orders = std::move(open);
    for (auto& a : fresh) {
      if (!first) *out.add_deltas()->mutable_alert() = a;
      b.alerts.push_back(std::move(a));
    }
    while (b.alerts.size() > options_.alerts_kept) b.alerts.pop_front();
  }
  if (r.agents) {
    for (auto& [id, a] : *r.agents) {
      auto it = b.agents.find(id);
      if (it != b.agents.end() && it->second.SerializeAsString() == a.SerializeAsString()) continue;
      *out.add_deltas()->mutable_agent() = a;
    }
    b.agents = std::move(*r.agents);
  }
  if (r.dashboard && r.dashboard->SerializeAsString() != b.dashboard.SerializeAsString()) {
    b.dashboard = *r.dashboard;
    *out.add_deltas()->mutable_dashboard() = b.dashboard;
  }
  b.stats.stations = b.stations.size();
  if (first || out.deltas_size() == 0) return nullptr;  // the first read fills the board: nothing to publish

  out.set_now_ms(twin::to_ms(now()));
  out.set_oldest_change_ms(p.oldest_ms);
  auto batch = std::make_shared<feed_batch>();
  batch->version = ++b.version;
  batch->binary = out.SerializeAsString();
  batch->json = to_json(out);
  batch->station_deltas = station_deltas;
  batch->deltas = static_cast<std::size_t>(out.deltas_size());
  b.stats.station_deltas += station_deltas;
  b.stats.deltas += batch->deltas;
  ++b.stats.batches;
  std::shared_ptr<const feed_batch> published = batch;
  for (auto& [id, l] : b.listeners) {
    try {
      l(published);
    } catch (const std::exception&) {  // a listener's failure is its own
    }
  }
  return published;
}

feed_snapshot feed_hub::snapshot(const std::string& reason) const {
  auto m = std::make_shared<v1::FeedSnapshot>();
  const auto t = now();
  std::lock_guard<std::mutex> lock(board_m_);
  const auto& b = *board_;
  m->set_now_ms(twin::to_ms(t));
  m->set_time_zone(b.tz);
  try {
    m->set_utc_offset_minutes(utc_offset_minutes(b.tz, t));
  } catch (const std::invalid_argument&) {
  }
  m->mutable_stations()->Reserve(static_cast<int>(b.stations.size()));
  for (const auto& [sn, bytes] : b.stations) (void)m->add_stations()->ParseFromString(bytes);
  *m->mutable_dashboard() = b.dashboard;
  for (const auto& [id, w] : b.work_orders) *m->add_work_orders() = w;
  for (const auto& [id, a] : b.agents) *m->add_agents() = a;
  for (const auto& a : b.alerts) *m->add_alerts() = a;
  for (const auto& c : b.currencies) *m->add_currencies() = feed_currency(c);
  m->set_reason(reason);
  return feed_snapshot{b.version, std::move(m)};
}

std::uint64_t feed_hub::add_listener(listener l) {
  std::lock_guard<std::mutex> lock(board_m_);
  const auto id = ++board_->next_listener;
  board_->listeners.emplace(id, std::move(l));
  return id;
}

void feed_hub::remove_listener(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(board_m_);
  board_->listeners.erase(id);
}

feed_hub_stats feed_hub::stats() const {
  std::lock_guard<std::mutex> lock(board_m_);
  return board_->stats;
}

void feed_hub::start() {
  if (runner_) return;
  runner_ = std::make_unique<runner>();
  runner_->thread = std::thread([this] { run(); });
}

void feed_hub::run() {
  auto next = clock_type::now();
  std::unique_lock<std::mutex> lock(pending_m_);
  for (;;) {
    next += options_.tick;
    const auto t = clock_type::now();
    if (next < t) next = t;  // fell behind (a long re-read): no burst of catch-up ticks
    if (runner_->cv.wait_until(lock, next, [&] { return runner_->stopping; })) return;
    lock.unlock();
    try {
      (void)poll();
    } catch (const std::exception&) {  // out of memory encoding a batch: count it, try at the next tick
      std::lock_guard<std::mutex> board_lock(board_m_);
      ++board_->stats.errors;
    }
    lock.lock();
  }
}

void feed_hub::stop() {
  if (!runner_) return;
  {
    std::lock_guard<std::mutex> lock(pending_m_);
    runner_->stopping = true;
  }
  runner_->cv.notify_all();
  if (runner_->thread.joinable()) runner_->thread.join();
  runner_.reset();
}

}  // namespace swaptwin::adapters
