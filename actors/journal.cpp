#include "actors/journal.hpp"

#include <caf/atom.hpp>

namespace swaptwin::actors {

// Every spawn passes an argument: CAF 0.17 binds a reference to a null tuple for actors spawned
// with none (undefined behaviour that the sanitizer build reports).
caf::behavior journal(caf::stateful_actor<journal_state>* self, caf::actor feed) {
  self->state.feed = std::move(feed);
  return {
      [=](caf::put_atom, const caf::actor& feed) { self->state.feed = feed; },
      [=](event_atom, sim_event& e) {
        if (self->state.feed) self->send(self->state.feed, event_atom::value, e);
        self->state.events.push_back(std::move(e));
      },
  };
}

}  // namespace swaptwin::actors
