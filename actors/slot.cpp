#include "actors/slot.hpp"

#include <algorithm>
#include <cmath>

#include "actors/clock.hpp"

namespace swaptwin::actors {

namespace {
using self_ptr = caf::stateful_actor<slot_state>*;

// Brings the pack to `now` along the curve under the share in force.
void advance(slot_state& st, std::int64_t now) {
  if (!st.charging || now <= st.at_ms) return;
  if (st.order.ready_at_ms == 0) {
    const double soc = twin::soc_after(st.params, st.order.alloc_w, st.soc_at, static_cast<double>(now - st.at_ms) / 1000.0);
    st.energy_wh += (soc - st.soc_at) * st.params.capacity_wh;
    st.soc_at = soc;
  }
  st.at_ms = now;
}

// Plans the one event of the pack turning ready under the share in force (none if it never will).
void plan_ready(self_ptr self, std::int64_t now) {
  auto& st = self->state;
  ++st.generation;
  st.ready_at_ms = -1;
  if (st.order.ready_at_ms > 0) {
    st.ready_at_ms = st.order.ready_at_ms;
  } else {
    const double s = twin::seconds_to_soc(st.params, st.order.alloc_w, st.soc_at, st.order.ready_soc);
    if (!std::isfinite(s)) return;
    st.ready_at_ms = st.at_ms + static_cast<std::int64_t>(std::ceil(s * 1000.0));
  }
  self->delayed_send(self, std::chrono::milliseconds{std::max<std::int64_t>(st.ready_at_ms - now, 0)}, ready_atom::value,
                     st.generation);
}

// Tells the pack what it was charged, once, when the order ends (ready or stopped).
void report_energy(self_ptr self, std::int64_t now) {
  auto& st = self->state;
  if (!st.order.pack) return;
  self->send(st.order.pack, pack_atom::value,
             pack_report{"charged", st.setup.station_sn, st.setup.index, {}, st.soc_at, 1, 0,
                         static_cast<std::int64_t>(std::lround(st.energy_wh)), now});
}

void on_ready(self_ptr self, std::uint64_t generation) {
  auto& st = self->state;
  if (!st.charging || generation != st.generation) return;  // re-planned or stopped since
  const auto now = now_ms(self);
  advance(st, now);
  if (st.order.ready_at_ms > 0) {  // exponential charge time: full at the drawn instant
    st.energy_wh += (1.0 - st.soc_at) * st.params.capacity_wh;
    st.soc_at = 1.0;
  }
  st.charging = false;
  ++st.readies;
  report_energy(self, now);
  self->send(st.setup.station, ready_atom::value,
             slot_ready{st.setup.index, st.order.order, st.soc_at, static_cast<std::int64_t>(std::lround(st.energy_wh))});
}
}  // namespace

caf::behavior slot(caf::stateful_actor<slot_state>* self, slot_setup setup) {
  self->state.setup = std::move(setup);
  return {
      [=](charge_atom, const charge_order& o) {
        auto& st = self->state;
        const auto now = now_ms(self);
        st.order = o;
        st.params = twin::charge_params{o.capacity_wh, o.max_power_w, o.knee_soc, o.taper_floor};
        st.soc_at = o.soc;
        st.at_ms = now;
        st.energy_wh = 0;
        st.charging = true;
        ++st.orders;
        plan_ready(self, now);
      },
      [=](power_atom, std::uint64_t order, double alloc_w) {
        auto& st = self->state;
        if (!st.charging || order != st.order.order) return;
        const auto now = now_ms(self);
        advance(st, now);
        st.order.alloc_w = alloc_w;
        plan_ready(self, now);
      },
      [=](stop_atom, std::uint64_t order) {
        auto& st = self->state;
        if (!st.charging || order != st.order.order) return;
        const auto now = now_ms(self);
        advance(st, now);
        st.charging = false;
        ++st.generation;
        st.ready_at_ms = -1;
        report_energy(self, now);
      },
      [=](ready_atom, std::uint64_t generation) { on_ready(self, generation); },
  };
}

}  // namespace swaptwin::actors
