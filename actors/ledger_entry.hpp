#pragma once
/// Converting ledger postings to and from their message form (actors::ledger_entry), shared by
/// billing, which sends postings to the store, and the store actor, which writes them.

#include <optional>
#include <string>

#include "actors/protocol.hpp"
#include "twin/ledger.hpp"

namespace swaptwin::actors {

/// The message form of `p`.
inline ledger_entry to_entry(const twin::posting& p) {
  return ledger_entry{p.key,
                      twin::to_ms(p.at),
                      p.rider_id,
                      std::string{twin::to_string(p.kind)},
                      p.amount.minor,
                      p.amount.currency,
                      p.plan ? std::string{twin::to_string(*p.plan)} : std::string{},
                      p.plan_id,
                      p.station_sn,
                      p.memo};
}

/// The posting `e` describes; nullopt when its kind or plan kind is not a known name (a message
/// from a newer or broken peer must not reach the ledger half-understood).
inline std::optional<twin::posting> from_entry(const ledger_entry& e) {
  twin::posting p;
  if (e.key.empty() || !twin::from_string(e.kind, p.kind)) return std::nullopt;
  if (!e.plan_kind.empty()) {
    twin::plan_kind k{};
    if (!twin::from_string(e.plan_kind, k)) return std::nullopt;
    p.plan = k;
  }
  p.key = e.key;
  p.at = twin::from_ms(e.at_ms);
  p.rider_id = e.rider_id;
  p.amount = twin::money{e.amount_minor, e.currency};
  p.plan_id = e.plan_id;
  p.station_sn = e.station_sn;
  p.memo = e.memo;
  return p;
}

}  // namespace swaptwin::actors
