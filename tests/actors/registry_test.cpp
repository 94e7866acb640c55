// The registry's stock board: riders find the first candidate showing stock (and the board counts
// that pack as taken), or wait and are woken once when stock of their model appears.

#include "actors/registry.hpp"
#include "sim_fixture.hpp"

namespace swaptwin::actors::testing {
namespace {

struct waker_state {
  std::vector<std::uint64_t> woken;  ///< search ids of the wake-ups received
  static inline const char* name = "waker";
};

caf::behavior waker(caf::stateful_actor<waker_state>* self, std::string id) {
  self->state.woken.reserve(id.size());
  return {[=](retry_atom, std::uint64_t search) { self->state.woken.push_back(search); }};
}

class Registry : public sim_test {};

TEST_F(Registry, FindCountsThePackAndWaitersAreWokenOnceForTheirModel) {
  auto reg = sys->spawn(registry, std::size_t{4});
  caf::anon_send(reg, stock_atom::value, stock_update{"A", "60V", 1, true});
  caf::anon_send(reg, stock_atom::value, stock_update{"B", "60V", 0, true});
  sched->run();
  {
    caf::scoped_actor self{*sys};
    int found = -2;
    self->send(reg, find_atom::value, find_request{"60V", {"B", "A"}});
    sched->run();
    self->receive([&](int i) { found = i; });
    EXPECT_EQ(found, 1);  // A, the second candidate: B shows none
    self->send(reg, find_atom::value, find_request{"60V", {"B", "A"}});
    sched->run();
    self->receive([&](int i) { found = i; });
    EXPECT_EQ(found, -1);  // A's only pack is counted as taken by the first rider
  }
  auto r1 = sys->spawn(waker, std::string{"R1"});
  auto r2 = sys->spawn(waker, std::string{"R2"});
  caf::anon_send(reg, wait_atom::value, find_request{"60V", {"A", "B"}}, r1, std::uint64_t{7});
  caf::anon_send(reg, wait_atom::value, find_request{"48V", {"B"}}, r2, std::uint64_t{3});
  sched->run();
  caf::anon_send(reg, stock_atom::value, stock_update{"B", "72V", 2, true});  // nobody waits for 72V
  caf::anon_send(reg, stock_atom::value, stock_update{"B", "60V", 1, false}); // offline: not visible
  sched->run();
  EXPECT_TRUE(state_of<waker_state>(r1).woken.empty());
  caf::anon_send(reg, stock_atom::value, stock_update{"B", "60V", 1, true});
  sched->run();
  EXPECT_EQ(state_of<waker_state>(r1).woken, std::vector<std::uint64_t>{7});
  EXPECT_TRUE(state_of<waker_state>(r2).woken.empty());
  caf::anon_send(reg, stock_atom::value, stock_update{"A", "60V", 3, true});  // R1 was already woken
  caf::anon_send(reg, stock_atom::value, stock_update{"B", "48V", 1, true});
  sched->run();
  EXPECT_EQ(state_of<waker_state>(r1).woken.size(), 1u);
  EXPECT_EQ(state_of<waker_state>(r2).woken, std::vector<std::uint64_t>{3});
  for (auto& h : {r1, r2, reg}) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace swaptwin::actors::testing
