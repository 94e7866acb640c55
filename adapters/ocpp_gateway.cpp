#include "adapters/ocpp_gateway.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "adapters/ocpp_gateway_admission.hpp"
#include "adapters/ocpp_session.hpp"

namespace swaptwin::adapters {

void log_to_stderr(const std::string& line) {
  const std::string text = "swaptwin gateway: " + line + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);  // one write per line: lines of threads do not interleave
}

namespace {

// Logs the station actors' online/offline changes and records them in the database, where
// `swaptwin admin` (another process) reads them.
caf::behavior log_journal(caf::event_based_actor*, gateway_log_fn log, actors::store_api store) {
  return {
      [=](actors::event_atom, const actors::sim_event& e) {
        if (e.kind != "online" && e.kind != "offline") return;
        const bool online = e.kind == "online";
        if (online) log(e.station_sn + ": online");
        else log(e.station_sn + (e.text == "closed" ? ": offline (socket closed)" : ": offline (missed its deadline)"));
        caf::anon_send(store, actors::link_atom::value, actors::link_record{e.station_sn, online, e.at_ms, {}});
      },
  };
}

// Without a dispatcher, alerts (cabinet alarms, offline stations) become work orders in the
// database, where operators see them (`swaptwin admin` in another process).
caf::behavior alerts_to_store(caf::event_based_actor*, actors::store_api store, gateway_log_fn log) {
  return {
      [=](actors::alert_atom, const actors::alert& a) {
        log(a.station_sn + ": alert " + a.kind + (a.slot ? " at slot " + std::to_string(a.slot) : std::string{}) +
            ": work order opened unless one is open");
        caf::anon_send(store, actors::alert_atom::value, a);
      },
      [](actors::online_atom, const std::string&, std::int64_t) {},
  };
}

}  // namespace

struct ocpp_gateway::impl {
  caf::actor_system& sys;
  actors::store_api store;
  gateway_config cfg;
  std::shared_ptr<gateway_counters> counters = std::make_shared<gateway_counters>();
  std::shared_ptr<admission_context> admit;
  caf::actor gateway, journal;
  std::unique_ptr<ws_server> server;
  std::mutex m;
  std::unordered_map<std::uint64_t, caf::actor> sessions;  // by connection id
  bool stopped = false;
  bool own_dispatcher = false;  // spawned by start(): ended by stop()

  impl(caf::actor_system& s, actors::store_api st, gateway_config c) : sys(s), store(std::move(st)), cfg(std::move(c)) {
    if (!cfg.log) cfg.log = log_to_stderr;
    admit = std::make_shared<admission_context>(store, counters, cfg.log, cfg.admission, cfg.refusal_log);
  }

  caf::actor session_of(std::uint64_t id) {
    std::lock_guard<std::mutex> lock(m);
    auto it = sessions.find(id);
    return it == sessions.end() ? caf::actor{} : it->second;
  }

  ws_server_callbacks callbacks() {
    ws_server_callbacks cb;
    cb.admit = [this](const upgrade_request& req, std::function<void(admission)> decide) {
      if (refuse_unstorable_id(*admit, req, decide)) return;
      sys.spawn(admit_actor, admit, req, std::move(decide));
    };
    cb.on_open = [this](const connection_ptr& c) {
      session_setup setup{c, gateway, store, cfg.heartbeat_s, counters, cfg.log, cfg.dispatcher, cfg.call_timeout_ms,
                          cfg.admission.refuse_unauthenticated, cfg.bad_frame_log};
      auto s = sys.spawn(ocpp_session, std::move(setup));
      std::lock_guard<std::mutex> lock(m);
      sessions.emplace(c->id(), std::move(s));
    };
    cb.on_text = [this](const connection_ptr& c, std::string text) {
      if (auto s = session_of(c->id())) caf::anon_send(s, actors::wstext_atom::value, std::move(text));
    };
    cb.on_close = [this](const connection_ptr& c, const ws_close_info& info) {
      caf::actor s;
      {
        std::lock_guard<std::mutex> lock(m);
        if (auto it = sessions.find(c->id()); it != sessions.end()) {
          s = std::move(it->second);
          sessions.erase(it);
        }
      }
      if (info.reason != ws_close_reason::server_stop)
        cfg.log(c->station_id() + ": connection ended: " + to_string(info.reason) +
                (info.message.empty() ? std::string{} : " (" + info.message + ")"));
      if (s) caf::anon_send(s, actors::wsclose_atom::value);
    };
    return cb;
  }
};

ocpp_gateway::ocpp_gateway(caf::actor_system& sys, actors::store_api store, gateway_config cfg)
    : impl_(std::make_unique<impl>(sys, std::move(store), std::move(cfg))) {}

ocpp_gateway::~ocpp_gateway() { stop(); }

bool ocpp_gateway::start(std::string* error) {
  auto& d = *impl_;
  std::vector<std::string> accepted;
  std::string why;
  {
    caf::scoped_actor self{d.sys};
    self->request(d.store, std::chrono::seconds{10}, actors::cabinet_atom::value)
        .receive([&](std::vector<std::string>& sns) { accepted = std::move(sns); },
                 [&](caf::error& e) { why = "store: " + caf::to_string(e); });
  }
  if (!why.empty()) {
    if (error) *error = why;
    return false;
  }
  d.journal = d.cfg.journal ? d.cfg.journal : d.sys.spawn(log_journal, d.cfg.log, d.store);
  if (!d.cfg.dispatcher) {
    d.cfg.dispatcher = d.sys.spawn(alerts_to_store, d.store, d.cfg.log);
    d.own_dispatcher = true;
  }
  d.gateway = d.sys.spawn(gateway_actor, gateway_setup{accepted, d.cfg.heartbeat_s * 1000, d.cfg.offline_after_beats,
                                                      d.cfg.dispatcher, d.journal, d.cfg.log, d.store});
  // A restart: nobody is connected yet, whatever the database said when the last run ended.
  for (const auto& sn : accepted) caf::anon_send(d.store, actors::link_atom::value, actors::link_record{sn, false, 0, {}});
  d.cfg.log("loaded " + std::to_string(accepted.size()) + " accepted station(s), all offline until their cabinets boot");
  d.server = std::make_unique<ws_server>(d.cfg.server, d.callbacks());
  if (!d.server->start(error)) {
    d.server.reset();
    return false;
  }
  return true;
}

void ocpp_gateway::stop() {
  auto& d = *impl_;
  if (d.stopped) return;
  d.stopped = true;
  {
    // Each session confirms it will send nothing more before the transport tears its sessions
    // down: a send from an actor thread racing the teardown could otherwise hold the last
    // reference to a transport session and destroy it off its io_context.
    std::vector<caf::actor> live;
    {
      std::lock_guard<std::mutex> lock(d.m);
      for (auto& [id, s] : d.sessions) live.push_back(s);
    }
    caf::scoped_actor self{d.sys};
    for (auto& s : live)
      self->request(s, std::chrono::seconds{2}, actors::quiesce_atom::value)
          .receive([](caf::ok_atom) {}, [](caf::error&) {});
  }
  if (d.server) d.server->stop();  // every on_close has run: each session was told to end
  d.admit->flush_suppressed();
  if (d.gateway) caf::anon_send_exit(d.gateway, caf::exit_reason::user_shutdown);
  if (d.journal && !d.cfg.journal) caf::anon_send_exit(d.journal, caf::exit_reason::user_shutdown);
  if (d.own_dispatcher) caf::anon_send_exit(d.cfg.dispatcher, caf::exit_reason::user_shutdown);
  std::lock_guard<std::mutex> lock(d.m);
  for (auto& [id, s] : d.sessions) caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  d.sessions.clear();
}

std::uint16_t ocpp_gateway::port() const noexcept { return impl_->server ? impl_->server->port() : 0; }

caf::actor ocpp_gateway::station(const std::string& sn) {
  auto& d = *impl_;
  if (!d.gateway) return {};
  caf::actor out;
  caf::scoped_actor self{d.sys};
  self->request(d.gateway, std::chrono::seconds{5}, caf::get_atom::value, sn)
      .receive([&](caf::actor& a) { out = std::move(a); }, [&](caf::error&) {});
  return out;
}

std::optional<std::string> ocpp_gateway::call(const std::string& sn, const std::string& action,
                                              const std::string& payload, std::chrono::milliseconds timeout,
                                              std::string* error) {
  auto& d = *impl_;
  std::optional<std::string> out;
  std::string why = "gateway not started";
  if (d.gateway) {
    caf::scoped_actor self{d.sys};
    self->request(d.gateway, timeout, actors::command_atom::value, sn, action, payload)
        .receive([&](std::string& r) { out = std::move(r); }, [&](caf::error& e) { why = d.sys.render(e); });
  }
  if (!out && error) *error = why;
  return out;
}

const gateway_counters& ocpp_gateway::counters() const noexcept { return *impl_->counters; }

}  // namespace swaptwin::adapters
