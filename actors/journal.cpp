#include "actors/journal.hpp"

#include <caf/atom.hpp>

namespace swaptwin::actors {

namespace {
caf::behavior journal_behavior(caf::stateful_actor<journal_state>* self) {
  return {
      [=](caf::put_atom, const caf::actor& feed) { self->state.feed = feed; },
      [=](event_atom, sim_event& e) {
        auto& st = self->state;
        ++st.count;
        if (st.feed) self->send(st.feed, event_atom::value, e);
        if (st.sink) st.sink(e);
        if (st.keep) st.events.push_back(std::move(e));
      },
  };
}
}  // namespace

// Every spawn passes an argument: CAF 0.17 binds a reference to a null tuple for actors spawned
// with none (undefined behaviour that the sanitizer build reports).
caf::behavior journal(caf::stateful_actor<journal_state>* self, caf::actor feed) {
  self->state.feed = std::move(feed);
  return journal_behavior(self);
}

caf::behavior streaming_journal(caf::stateful_actor<journal_state>* self, journal_setup setup) {
  self->state.feed = std::move(setup.feed);
  self->state.sink = std::move(setup.sink);
  self->state.keep = setup.keep;
  return journal_behavior(self);
}

}  // namespace swaptwin::actors
