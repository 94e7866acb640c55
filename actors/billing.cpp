#include "actors/billing.hpp"

#include <caf/send.hpp>

#include "actors/clock.hpp"
#include "actors/ledger_entry.hpp"
#include "twin/authorize.hpp"
#include "twin/billing.hpp"

namespace swaptwin::actors {

namespace {
template <class Map>
auto find_ptr(Map& m, const std::string& key) -> decltype(&m.begin()->second) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

using self_ptr = caf::stateful_actor<billing_state>*;

void journal_charge(self_ptr self, const twin::posting& p) {
  if (!self->state.journal || p.kind == twin::posting_kind::tax) return;
  self->send(self->state.journal, event_atom::value,
             sim_event{twin::to_ms(p.at), "charge", p.station_sn, p.rider_id,
                       p.plan ? std::string{twin::to_string(*p.plan)} : std::string{}, p.amount.minor, 0,
                       p.amount.currency});
}

// The postings just appended go to the store as one message (anon_send: billing does not wait
// for durability, and the store's answer must not come back to it as an unexpected message).
void persist(const billing_state& st, const std::vector<const twin::posting*>& appended) {
  if (!st.store || appended.empty()) return;
  std::vector<ledger_entry> entries;
  entries.reserve(appended.size());
  for (const auto* p : appended) entries.push_back(to_entry(*p));
  caf::anon_send(st.store, persist_atom::value, std::move(entries));
}

authorize_result decide(self_ptr self, const authorize_request& req) {
  auto& st = self->state;
  auto* r = find_ptr(st.riders, req.rider_id);
  if (!r) return {std::string{twin::code_string(twin::errc::rider_unknown)}, "rider " + req.rider_id + " is not known"};
  auto* policy = find_ptr(st.countries, r->country);
  auto* p = r->plan ? find_ptr(st.plans, r->plan->plan_id) : nullptr;
  const auto now = twin::from_ms(req.at_ms);
  auto d = twin::authorize_rider(*r, policy, p, req.model_id, now);
  // Riders who renew automatically buy the same plan again (a sale in the run) and are asked again.
  if (st.auto_renew && policy && p && (d.reason == twin::errc::plan_expired || d.reason == twin::errc::plan_exhausted)) {
    auto renewed = twin::buy_plan(*r, *p, *policy, now, "renew:" + r->id + ":" + std::to_string(req.at_ms));
    if (renewed) {
      *r = renewed->after;
      ++st.renewals;
      std::vector<const twin::posting*> appended;
      for (auto& posting : renewed->postings) {
        if (!st.ledger.append(posting)) continue;
        journal_charge(self, posting);
        appended.push_back(&posting);
      }
      persist(st, appended);
      d = twin::authorize_rider(*r, policy, p, req.model_id, now);
    }
  }
  return {std::string{twin::code_string(d.reason)}, d.detail};
}

settle_result settle(billing_state& st, const settle_request& req) {
  settle_result out;
  auto* r = find_ptr(st.riders, req.rider_id);
  auto* policy = r ? find_ptr(st.countries, r->country) : nullptr;
  auto* p = r && r->plan ? find_ptr(st.plans, r->plan->plan_id) : nullptr;
  if (!r || !policy || !p) {
    out.reason = std::string{twin::code_string(twin::errc::plan_none)};
    return out;
  }
  twin::swap_usage usage{req.station_sn, req.model_id, req.returned_sn, req.energy_wh, req.issued_sn};
  auto s = twin::settle_swap(*r, *p, *policy, usage, twin::from_ms(req.at_ms), req.key);
  if (!s) {
    out.reason = std::string{twin::code_string(s.code())};
    return out;
  }
  *r = s->change.after;
  std::vector<const twin::posting*> appended;
  for (auto& posting : s->change.postings)
    if (st.ledger.append(posting)) appended.push_back(&posting);
  persist(st, appended);
  out.reason = "ok";
  out.net_minor = s->net.minor;
  out.tax_minor = s->tax.minor;
  out.currency = s->net.currency;
  out.plan_kind = std::string{twin::to_string(p->kind)};
  out.km_m = s->km_m;
  return out;
}
}  // namespace

caf::behavior billing(caf::stateful_actor<billing_state>* self, billing_setup setup, caf::actor journal) {
  auto& st = self->state;
  for (auto& r : setup.riders) st.riders.emplace(r.id, std::move(r));
  for (auto& c : setup.countries) st.countries.emplace(c.country, std::move(c));
  for (auto& p : setup.plans) st.plans.emplace(p.id, std::move(p));
  st.journal = std::move(journal);
  st.auto_renew = setup.auto_renew;
  st.store = std::move(setup.store);
  return {
      [=](authorize_atom, const authorize_request& req) { return decide(self, req); },
      [=](settle_atom, const settle_request& req) {
        auto out = settle(self->state, req);
        if (out.reason == "ok" && out.net_minor != 0 && self->state.journal)
          self->send(self->state.journal, event_atom::value,
                     sim_event{req.at_ms, "charge", req.station_sn, req.rider_id, out.plan_kind, out.net_minor,
                               out.tax_minor, out.currency});
        return out;
      },
  };
}

}  // namespace swaptwin::actors
