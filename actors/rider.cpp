#include "actors/rider.hpp"

#include <algorithm>
#include <cmath>

#include "actors/clock.hpp"
#include "twin/time.hpp"

namespace swaptwin::actors {

namespace {
using self_ptr = caf::stateful_actor<rider_state>*;

constexpr std::int64_t after_giving_up_ms = 60 * 60 * 1000;   // try again an hour later
constexpr std::int64_t after_account_refusal_ms = 24 * after_giving_up_ms;  // sort out KYC, plan or payment first

// Refusals about the rider's account (KYC, deposit, plan, payment) are the same at every station.
bool about_the_account(const std::string& code) {
  for (const char* prefix : {"kyc.", "deposit.", "plan.", "payment.", "rider.", "country."})
    if (code.rfind(prefix, 0) == 0) return true;
  return false;
}

const rider_population& pop(self_ptr self) { return *self->state.setup.population; }

const station_ref& station_at(self_ptr self, std::size_t idx) {
  return (*pop(self).stations)[self->state.setup.nearby[idx].station];
}

void journal(self_ptr self, sim_event e) {
  if (pop(self).journal) self->send(pop(self).journal, event_atom::value, std::move(e));
}

// SoC the rider's riding uses per second of their riding hours (the day's km spread over them).
double drain_per_s(const rider_setup& s, const rider_population& p) {
  const double riding_s = std::max(1, p.ride_end_h - p.ride_start_h) * 3600.0;
  return s.km_per_day * p.wh_per_km / riding_s / std::max(1, p.capacity_wh);
}

// The pack reaches the threshold after that much riding, counted in riding hours only.
void schedule_need(self_ptr self) {
  const auto& s = self->state.setup;
  const auto& p = pop(self);
  const double riding = std::max(0.0, s.soc - p.threshold_soc) / std::max(drain_per_s(s, p), 1e-12);
  const auto now = now_ms(self);
  const auto at = twin::to_ms(twin::after_active_time(twin::from_ms(now), riding, p.ride_start_h, p.ride_end_h,
                                                      p.utc_offset_ms));
  self->delayed_send(self, std::chrono::milliseconds{std::max<std::int64_t>(at - now, 0)}, need_atom::value);
}

void give_up(self_ptr self, const std::string& why, std::int64_t retry_in_ms = 0) {
  auto& st = self->state;
  ++st.give_ups;
  if (retry_in_ms == 0)  // 1 h, 2 h, 4 h ... a day: a starving rider does not poll every hour forever
    retry_in_ms = std::min(after_account_refusal_ms, after_giving_up_ms << std::min(st.give_ups_in_a_row, 5));
  ++st.give_ups_in_a_row;
  journal(self, sim_event{now_ms(self), "gave_up", {}, st.setup.id, why, now_ms(self) - st.search_started_ms, 0, {}});
  self->delayed_send(self, std::chrono::milliseconds{retry_in_ms}, need_atom::value);
}

bool out_of_patience(self_ptr self) {
  return static_cast<double>(now_ms(self) - self->state.search_started_ms) >= pop(self).patience_s * 1000.0;
}

void try_next(self_ptr self);

void arrive(self_ptr self, std::size_t idx) {
  auto& st = self->state;
  auto& s = st.setup;
  const auto& p = pop(self);
  s.soc = std::max(0.0, s.soc - s.nearby[idx].distance_m / 1000.0 * p.wh_per_km / std::max(1, p.capacity_wh));
  swap_request req{s.id,     p.model_id,   s.holding_sn, s.soc, s.taken_soc, s.id + ":" + std::to_string(++st.sequence),
                   s.holding_soh, s.holding_cycles, s.holding_pack};
  self->request(station_at(self, idx).handle, caf::infinite, swap_atom::value, req).then([=](swap_result& r) {
    auto& st2 = self->state;
    if (r.reason == "ok") {
      ++st2.swaps;
      st2.give_ups_in_a_row = 0;
      auto& s2 = st2.setup;
      journal(self, sim_event{now_ms(self), "served", r.station_sn, s2.id, {}, now_ms(self) - st2.search_started_ms,
                              static_cast<std::int64_t>(std::lround(s2.nearby[idx].distance_m)), {}});
      s2.holding_sn = r.issued_sn;
      s2.soc = s2.taken_soc = r.issued_soc;
      s2.holding_soh = r.issued_soh;
      s2.holding_cycles = r.issued_cycles;
      s2.holding_pack = r.issued_pack;
      schedule_need(self);
      return;
    }
    st2.tried |= std::uint32_t{1} << idx;
    if (about_the_account(r.reason)) give_up(self, r.reason, after_account_refusal_ms);
    else if (out_of_patience(self)) give_up(self, r.reason);
    else try_next(self);
  });
}

void try_next(self_ptr self) {
  auto& st = self->state;
  find_request q{pop(self).model_id, {}};
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < st.setup.nearby.size(); ++i)
    if (!(st.tried & (std::uint32_t{1} << i))) {
      q.candidates.push_back(station_at(self, i).sn);
      index.push_back(i);
    }
  if (q.candidates.empty()) {
    give_up(self, "stock.none_nearby");
    return;
  }
  self->request(pop(self).registry, caf::infinite, find_atom::value, q).then([=](int found) {
    auto& st2 = self->state;
    if (found < 0) {
      if (out_of_patience(self)) {
        give_up(self, "stock.none_visible");
        return;
      }
      // Wait to be told when one of them shows stock, and give up when patience runs out.
      st2.waiting = true;
      self->send(pop(self).registry, wait_atom::value, q, caf::actor_cast<caf::actor>(self), st2.search);
      const auto left_ms = static_cast<std::int64_t>(pop(self).patience_s * 1000.0) - (now_ms(self) - st2.search_started_ms);
      self->delayed_send(self, std::chrono::milliseconds{std::max<std::int64_t>(left_ms, 0)}, deadline_atom::value, st2.search);
      return;
    }
    auto idx = index[static_cast<std::size_t>(found)];
    double seconds = self->state.setup.nearby[idx].distance_m / std::max(pop(self).speed_mps, 0.1);
    self->delayed_send(self, std::chrono::milliseconds{static_cast<std::int64_t>(std::ceil(seconds * 1000.0))},
                       arrive_atom::value, static_cast<std::uint64_t>(idx));
  });
}
}  // namespace

caf::behavior rider(caf::stateful_actor<rider_state>* self, rider_setup setup) {
  self->state.setup = std::move(setup);
  if (self->state.setup.nearby.size() > 32) self->state.setup.nearby.resize(32);  // `tried` has 32 bits
  schedule_need(self);
  return {
      [=](need_atom) {
        auto& st = self->state;
        ++st.search;
        st.waiting = false;
        st.setup.soc = std::min(st.setup.soc, pop(self).threshold_soc);
        st.search_started_ms = now_ms(self);
        st.tried = 0;
        try_next(self);
      },
      [=](retry_atom, std::uint64_t search) {  // stock appeared where this search waits
        auto& st = self->state;
        if (search != st.search || !st.waiting) return;
        st.waiting = false;
        try_next(self);
      },
      [=](deadline_atom, std::uint64_t search) {  // patience ran out while waiting
        auto& st = self->state;
        if (search != st.search || !st.waiting) return;
        st.waiting = false;
        give_up(self, "stock.none_visible");
      },
      [=](arrive_atom, std::uint64_t idx) { arrive(self, static_cast<std::size_t>(idx)); },
  };
}

}  // namespace swaptwin::actors
