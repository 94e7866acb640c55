#include "actors/journal.hpp"

namespace swaptwin::actors {

caf::behavior journal(caf::stateful_actor<journal_state>* self) {
  return {
      [=](event_atom, sim_event& e) { self->state.events.push_back(std::move(e)); },
  };
}

}  // namespace swaptwin::actors
