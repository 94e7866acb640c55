// The gateway actor (ocpp_session.hpp): the station actors of live cabinets and each station's
// current session.
#include <chrono>
#include <utility>

#include <caf/all.hpp>

#include "actors/clock.hpp"
#include "actors/station.hpp"
#include "adapters/ocpp_session.hpp"

namespace swaptwin::adapters {

namespace {

using gw_ptr = caf::stateful_actor<gateway_state>*;

caf::actor station_of(gw_ptr self, const std::string& sn) {
  auto& st = self->state;
  if (auto it = st.stations.find(sn); it != st.stations.end()) return it->second;
  actors::station_setup s;
  s.station.sn = sn;
  s.station.desired.name = sn;
  s.station.link.online = false;  // live: offline until its cabinet's first accepted message
  s.heartbeat_ms = st.setup.heartbeat_ms;
  s.offline_after_beats = st.setup.offline_after_beats;
  s.simulate_cabinet = false;
  s.dispatcher = st.setup.dispatcher;
  auto a = self->spawn(actors::station, std::move(s), caf::actor{}, st.setup.journal);
  st.stations.emplace(sn, a);
  return a;
}

}  // namespace

caf::behavior gateway_actor(caf::stateful_actor<gateway_state>* self, gateway_setup setup) {
  self->state.setup = std::move(setup);
  for (const auto& sn : self->state.setup.accepted) station_of(self, sn);
  // Station actors live as long as the gateway: at its exit they end too (their pending liveness
  // timers would otherwise keep the actor system waiting at shutdown).
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    for (auto& [sn, a] : self->state.stations) self->send_exit(a, msg.reason);
    self->state.stations.clear();
    self->quit(msg.reason);
  });
  return {
      [=](actors::bind_atom, const std::string& sn) -> caf::actor {
        auto a = station_of(self, sn);
        self->state.current[sn] = caf::actor_cast<caf::actor_addr>(self->current_sender());
        return a;
      },
      [=](actors::unbind_atom, const std::string& sn) {
        auto& st = self->state;
        auto it = st.current.find(sn);
        // A reconnected cabinet has a newer session: the old socket closing must not mark it offline.
        if (it == st.current.end() || it->second != caf::actor_cast<caf::actor_addr>(self->current_sender())) return;
        st.current.erase(it);
        if (auto s = st.stations.find(sn); s != st.stations.end()) self->send(s->second, actors::disconnect_atom::value);
        st.setup.log(sn + ": connection closed: offline");
      },
      [=](actors::command_atom, const std::string& sn, const std::string& action,
          const std::string& payload) -> caf::result<std::string> {
        auto it = self->state.current.find(sn);
        auto session = it == self->state.current.end() ? caf::actor{} : caf::actor_cast<caf::actor>(it->second);
        if (!session) return caf::make_error(caf::sec::runtime_error, "station " + sn + " is not connected");
        // The session answers within its call timeout (or at its end); the margin covers a session
        // that died with the request in its mailbox.
        auto rp = self->make_response_promise<std::string>();
        self->request(session, std::chrono::minutes{2}, actors::command_atom::value, action, payload)
            .then([rp](std::string& r) mutable { rp.deliver(std::move(r)); },
                  [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [=](caf::get_atom, const std::string& sn) -> caf::actor {
        auto it = self->state.stations.find(sn);
        return it == self->state.stations.end() ? caf::actor{} : it->second;
      },
  };
}

}  // namespace swaptwin::adapters
