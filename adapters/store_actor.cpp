#include "adapters/store_actor.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <set>
#include <utility>

#include <caf/all.hpp>

#include "actors/ledger_entry.hpp"
#include "adapters/cabinet_events.hpp"

namespace swaptwin::adapters {

namespace {
using self_ptr = actors::store_api::stateful_pointer<store_actor_state>;

caf::error store_failure(const std::string& what) { return caf::make_error(caf::sec::runtime_error, "store: " + what); }

// One flushdue per generation: a commit (or a new arming) makes the pending one stale instead of
// cancelling it, which the 0.17 clock cannot do for a delayed_send.
void arm_timer(self_ptr self, caf::timespan delay) {
  auto& st = self->state;
  st.timer_armed = true;
  self->delayed_send(self, delay, actors::flushdue_atom::value, ++st.timer_generation);
}

bool open_if_needed(store_actor_state& st) {
  if (st.db) return true;
  try {
    st.db = std::make_unique<store>(st.cfg.path, st.cfg.options);
    return true;
  } catch (const std::exception& e) {
    st.last_error = st.cfg.path + ": " + e.what();
    return false;
  }
}

// Commits the buffer in one transaction and answers its waiters. On failure the entries stay
// buffered, the waiters get the error, and a retry is armed with a doubling back-off.
// Tells the commit listener, after the answers went out: the feed is a view, so nothing it does
// (or throws) may hold up or undo an acknowledgement, and no exception leaves the actor.
void report_committed(const store_actor_state& st, const store_commit& c) noexcept {
  if (!st.cfg.on_committed) return;
  try {
    st.cfg.on_committed(c);
  } catch (const std::exception&) {  // the next commit or the feed's full re-read catches up
  }
}

caf::error commit(self_ptr self) {
  auto& st = self->state;
  if (st.buffer.empty()) return caf::none;
  std::vector<bool> appended;
  bool ok = open_if_needed(st);
  if (ok) {
    try {
      appended = st.db->append_postings_marked(st.buffer);
    } catch (const std::exception& e) {
      st.last_error = e.what();
      ok = false;
    }
  }
  if (!ok) {
    auto err = store_failure(st.last_error);
    for (auto& w : st.waiters) w.promise.deliver(err);
    st.waiters.clear();
    ++st.failures;
    const auto backoff = st.cfg.flush_interval * (std::int64_t{1} << std::min(st.failures, 6));
    arm_timer(self, backoff);
    return err;
  }
  const auto written = std::count(appended.begin(), appended.end(), true);
  st.appended += written;
  st.duplicates += static_cast<std::int64_t>(appended.size()) - written;
  ++st.commits;
  st.failures = 0;
  st.last_error.clear();
  for (auto& w : st.waiters)
    w.promise.deliver(static_cast<std::int64_t>(std::count(appended.begin() + static_cast<std::ptrdiff_t>(w.begin),
                                                           appended.begin() + static_cast<std::ptrdiff_t>(w.end), true)));
  st.waiters.clear();
  st.buffer.clear();
  st.timer_armed = false;
  ++st.timer_generation;  // the pending timer, if any, has nothing left to do
  if (written > 0) {
    store_commit c;
    c.ledger = true;
    report_committed(st, c);
  }
  return caf::none;
}
// Runs `f(db)` on the open database; an unopenable file or an exception becomes the store's error.
template <class T, class F>
caf::result<T> with_db(self_ptr self, F f) {
  auto& st = self->state;
  if (!open_if_needed(st)) return store_failure(st.last_error);
  try {
    return f(*st.db);
  } catch (const std::exception& e) {
    return store_failure(e.what());
  }
}

void arm_swap_timer(self_ptr self) {
  auto& st = self->state;
  if (st.swap_timer_armed) return;
  st.swap_timer_armed = true;
  self->delayed_send(self, st.cfg.swap_flush_interval, actors::swapevt_atom::value, ++st.swap_generation);
}

// Applies the waiting cabinet events, each in its savepoint, in one transaction, then answers them.
void apply_link(store& db, const actors::link_record& l) {
  twin::connectivity c;
  c.online = l.online;
  if (l.last_seen_ms > 0) c.last_seen = twin::from_ms(l.last_seen_ms);
  c.boot_id = l.boot_id;
  (void)db.set_link(l.sn, c);  // an unknown SN (pending, then deleted) has nothing to update
}

// What a committed cabinet batch touched, for the commit listener (the operator feed).
store_commit committed_summary(const std::vector<cabinet_write>& batch, const std::vector<actors::cabinet_answer>& answers,
                               const std::vector<std::string>& failed) {
  store_commit c;
  c.writes = batch.size();
  std::set<std::string> sns;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (auto* w = std::get_if<swap_waiter>(&batch[i])) {
      if (!failed[i].empty() || answers[i].duplicate) continue;
      ++c.swaps;
      c.ledger = true;
      sns.insert(w->event.station_sn);
    } else if (auto* l = std::get_if<actors::link_record>(&batch[i])) {
      sns.insert(l->sn);
    } else if (auto* s = std::get_if<actors::slot_status>(&batch[i])) {
      sns.insert(s->sn);
    } else {
      c.alerts = true;
      sns.insert(std::get<actors::alert>(batch[i]).station_sn);
    }
  }
  c.stations.assign(sns.begin(), sns.end());
  return c;
}

// Applies the waiting cabinet writes in arrival order, each cabinet event in its savepoint, in
// one transaction; then answers the events.
void commit_swaps(self_ptr self) {
  auto& st = self->state;
  st.swap_timer_armed = false;
  ++st.swap_generation;
  auto batch = std::move(st.cabinet_batch);
  st.cabinet_batch.clear();
  st.batch_swaps = 0;
  if (batch.empty()) return;
  std::vector<actors::cabinet_answer> answers(batch.size());
  std::vector<std::string> failed(batch.size());
  std::string all_failed;
  if (!open_if_needed(st)) {
    all_failed = st.last_error;
  } else {
    try {
      st.db->transact([&] {
        auto& db = *st.db;
        for (std::size_t i = 0; i < batch.size(); ++i) {
          if (auto* w = std::get_if<swap_waiter>(&batch[i])) {
            try {
              answers[i] = apply_cabinet_swap(db, w->event);
            } catch (const std::exception& e) {  // this event's savepoint rolled back; the others stand
              failed[i] = e.what();
            }
          } else if (auto* l = std::get_if<actors::link_record>(&batch[i])) {
            apply_link(db, *l);
          } else if (auto* s = std::get_if<actors::slot_status>(&batch[i])) {
            (void)db.apply_connector_status(s->sn, s->slot, s->connector_status);
          } else {
            (void)open_alert(db, std::get<actors::alert>(batch[i]));
          }
        }
      });
    } catch (const std::exception& e) {
      all_failed = e.what();
    }
  }
  std::optional<store_commit> committed;
  if (all_failed.empty()) {
    ++st.swap_commits;
    if (st.cfg.on_committed) committed = committed_summary(batch, answers, failed);
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto* w = std::get_if<swap_waiter>(&batch[i]);
    if (!w) continue;
    if (!all_failed.empty() || !failed[i].empty()) {
      w->promise.deliver(store_failure(all_failed.empty() ? failed[i] : all_failed));
      continue;
    }
    if (answers[i].duplicate) ++st.swap_duplicates;
    else ++st.swap_events;
    w->promise.deliver(std::move(answers[i]));
  }
  if (committed) report_committed(st, *committed);
}
}  // namespace

actors::store_api::behavior_type store_actor(self_ptr self, store_actor_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (st.cfg.batch_size == 0) st.cfg.batch_size = 1;
  open_if_needed(st);  // early, so the schema exists at once; a failure is retried at the first commit
  return {
      [=](actors::persist_atom, std::vector<actors::ledger_entry>& entries) {
        auto& st = self->state;
        auto promise = self->make_response_promise<std::int64_t>();
        std::vector<twin::posting> rows;
        rows.reserve(entries.size());
        for (const auto& e : entries) {
          auto p = actors::from_entry(e);
          if (!p) {
            promise.deliver(store_failure("ledger entry '" + e.key + "' has an unknown kind or no key"));
            return promise;
          }
          rows.push_back(std::move(*p));
        }
        const auto begin = st.buffer.size();
        std::move(rows.begin(), rows.end(), std::back_inserter(st.buffer));
        st.waiters.push_back(store_waiter{begin, st.buffer.size(), promise});
        if (st.buffer.size() >= st.cfg.batch_size) {
          (void)commit(self);  // the waiters, this one included, have their answer
        } else if (!st.timer_armed && !st.buffer.empty()) {
          arm_timer(self, st.cfg.flush_interval);
        }
        return promise;
      },
      [=](actors::flush_atom) -> caf::result<std::int64_t> {
        commit_swaps(self);  // cabinet events, links and slot states waiting for their batch
        if (auto err = commit(self)) return err;
        return self->state.appended;
      },
      // Cabinet look-ups read the database each time: `swaptwin admin station accept` may have
      // changed it from another process since the last boot.
      [=](actors::cabinet_atom, const std::string& sn) {
        return with_db<actors::cabinet_record>(self, [&](store& db) {
          actors::cabinet_record r;
          auto s = db.station(sn);
          if (!s) return r;
          r.known = true;
          r.registration = std::string{twin::to_string(s->reg)};
          r.name = s->name();
          r.password_hash = db.station_password_hash(sn).value_or(std::string{});
          r.no_password = db.credential_of(sn) == station_credential::none;
          for (const auto& c : twin::pending_changes(*s)) {
            r.change_fields.push_back(c.field);
            r.change_values.push_back(c.value);
          }
          return r;
        });
      },
      [=](actors::cabinet_atom) {
        return with_db<std::vector<std::string>>(self, [&](store& db) {
          std::vector<std::string> sns;
          for (const auto& s : db.stations())
            if (s.reg == twin::registration::accepted) sns.push_back(s.sn);
          return sns;
        });
      },
      [=](actors::pending_atom, const std::string& sn, const std::string& firmware, std::int64_t at_ms) {
        return with_db<bool>(self, [&](store& db) -> caf::result<bool> {
          auto r = db.add_pending_station(sn, firmware, twin::from_ms(at_ms));
          if (r) {
            report_committed(self->state, store_commit{{sn}, 0, 1, false, false});
            return true;
          }
          if (r.err().code == twin::errc::station_duplicate) return false;
          return store_failure(r.err().detail);
        });
      },
      [=](actors::hold_atom, const std::string& sn, const std::string& address, std::int64_t at_ms,
          std::int64_t per_address_max, std::int64_t total_max) {
        return with_db<std::int64_t>(self, [&](store& db) -> caf::result<std::int64_t> {
          const auto caps = [](std::int64_t n) { return static_cast<std::size_t>(std::max<std::int64_t>(0, n)); };
          switch (db.hold_pending_station(sn, address, twin::from_ms(at_ms), caps(per_address_max), caps(total_max))) {
            case pending_hold::held:
              report_committed(self->state, store_commit{{sn}, 0, 1, false, false});
              return actors::hold_answer::held;
            case pending_hold::exists: return actors::hold_answer::exists;
            case pending_hold::address_full: return actors::hold_answer::address_full;
            case pending_hold::total_full: return actors::hold_answer::total_full;
          }
          return actors::hold_answer::exists;
        });
      },
      [=](actors::swapevt_atom, actors::cabinet_swap& e) {
        auto& st = self->state;
        auto promise = self->make_response_promise<actors::cabinet_answer>();
        st.cabinet_batch.emplace_back(swap_waiter{std::move(e), promise});
        if (++st.batch_swaps >= st.cfg.swap_batch_size) {
          commit_swaps(self);
        } else {
          arm_swap_timer(self);
        }
        return promise;
      },
      [=](actors::swapevt_atom, std::uint64_t generation) {
        if (generation != self->state.swap_generation || !self->state.swap_timer_armed) return;
        commit_swaps(self);
      },
      [=](actors::authorize_atom, const std::string& rider, const std::string& sn, std::int64_t at_ms) {
        return with_db<actors::authorize_result>(
            self, [&](store& db) { return authorize_cabinet_rider(db, rider, sn, at_ms); });
      },
      [=](actors::reported_atom, const std::string& sn, const std::string& field, const std::string& value) {
        return with_db<bool>(self, [&](store& db) { return record_reported(db, sn, field, value); });
      },
      [=](actors::link_atom, actors::link_record& l) {
        self->state.cabinet_batch.emplace_back(std::move(l));
        arm_swap_timer(self);
      },
      [=](actors::status_atom, actors::slot_status& s) {
        self->state.cabinet_batch.emplace_back(std::move(s));
        arm_swap_timer(self);
      },
      [=](actors::alert_atom, const actors::alert& a) {
        self->state.cabinet_batch.emplace_back(a);
        arm_swap_timer(self);
      },
      [=](actors::flushdue_atom, std::uint64_t generation) {
        auto& st = self->state;
        if (generation != st.timer_generation || !st.timer_armed) return;
        st.timer_armed = false;
        (void)commit(self);
      },
  };
}

}  // namespace swaptwin::adapters
