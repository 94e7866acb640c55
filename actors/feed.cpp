#include "actors/feed.hpp"

#include <algorithm>

namespace swaptwin::actors {

void apply_to_board(std::map<std::string, station_sample>& board, const sim_event& e) {
  if (e.station_sn.empty()) return;
  auto& s = board[e.station_sn];
  s.sn = e.station_sn;
  if (e.kind == "swap") s.ready = std::max(0, s.ready - 1);
  else if (e.kind == "ready") ++s.ready;
  else if (e.kind == "offline") s.online = false;
  else if (e.kind == "online") s.online = true;
}

caf::behavior feed(caf::stateful_actor<feed_state>* self, std::vector<station_sample> board) {
  for (auto& s : board) self->state.stations[s.sn] = std::move(s);
  return {
      [=](subscribe_atom, const caf::actor& who) {
        std::vector<station_sample> snapshot;
        for (const auto& [sn, s] : self->state.stations) snapshot.push_back(s);
        self->send(who, snapshot_atom::value, std::move(snapshot));
        self->state.subscribers.push_back(who);
      },
      [=](unsubscribe_atom, const caf::actor& who) {
        auto& subs = self->state.subscribers;
        subs.erase(std::remove(subs.begin(), subs.end(), who), subs.end());
      },
      [=](stock_atom, const station_sample& s) { self->state.stations[s.sn] = s; },
      [=](event_atom, const sim_event& e) {
        apply_to_board(self->state.stations, e);
        for (const auto& who : self->state.subscribers) self->send(who, event_atom::value, e);
      },
  };
}

}  // namespace swaptwin::actors
