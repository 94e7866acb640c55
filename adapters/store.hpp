#pragma once
/// The back-office store: one SQLite file (WAL) holding stations, packs, riders, plans, the ledger,
/// swaps and work orders. It is the only owner of its connection; the `store` actor
/// (store_actor.hpp) wraps one for the actors. Every write runs inside a transaction with prepared statements.
///
/// Domain refusals (unknown SN, duplicate id, ...) come back as twin::status / results; SQLite
/// failures throw sql::store_error.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/tokens.hpp"
#include "twin/battery.hpp"
#include "twin/billing.hpp"
#include "twin/country.hpp"
#include "twin/ledger.hpp"
#include "twin/plan.hpp"
#include "twin/rider.hpp"
#include "twin/station.hpp"
#include "twin/work_order.hpp"

namespace swaptwin::adapters {

namespace sql { class database; }

/// How to open the store.
struct store_options {
  bool create = true;                  ///< create the file when missing
  std::string synchronous = "FULL";    ///< PRAGMA synchronous: FULL survives power loss, NORMAL only crashes
  int busy_timeout_ms = 5000;          ///< wait this long for another process's write lock
  int cache_kib = 65536;               ///< page cache; the ledger's key indexes want to stay in memory
  int wal_autocheckpoint_pages = 10000;  ///< checkpoint the WAL at this size (SQLite's default, 1000, halves ledger write rate)
};

/// The deposit an operator charges for a model, in one currency.
struct deposit_price {
  std::string model_id;
  twin::money amount;
};

/// A swap as the store records it: where, which packs, and what it cost.
struct swap_record {
  std::string key;              ///< idempotency key: a repeated swap is recorded once
  twin::unix_ms at{};
  std::string rider_id;
  std::string station_sn;
  std::string model_id;
  int slot_in = 0;              ///< slot the returned pack went into, 0 on a first pick-up
  std::string returned_sn;
  double returned_soc = 0.0;
  int slot_out = 0;             ///< slot the issued pack came from
  std::string issued_sn;
  std::int64_t energy_wh = 0;
  std::int64_t km_m = 0;
  twin::money net;
  twin::money tax;
  twin::plan_kind plan = twin::plan_kind::period;
};

/// The operator's dashboard for one calendar day in their time zone.
struct dashboard {
  std::string timezone;                                  ///< IANA name, e.g. "Asia/Shanghai"
  std::string day;                                       ///< local date, "2026-11-23"
  twin::unix_ms day_start{}, day_end{};                  ///< [start, end) of that day in UTC
  std::map<std::string, std::int64_t> revenue_today;     ///< currency -> minor units (net of tax)
  std::map<std::string, std::map<std::string, std::int64_t>> revenue_by_plan_kind;  ///< currency -> kind -> minor
  std::map<std::string, std::int64_t> plans_sold_today;  ///< plan kind -> purchases
  std::map<std::string, std::int64_t> deposits_held;     ///< currency -> minor units held
  std::int64_t riders_active_today = 0;                  ///< distinct riders who swapped today
  std::int64_t riders_new_today = 0;
  std::int64_t riders_total = 0;
  struct plan_row {
    std::string plan_id, name, kind;
    std::int64_t active = 0;
  };
  std::vector<plan_row> plan_mix;                        ///< active subscriptions by plan, every plan listed
  std::int64_t swaps_today = 0;
  std::int64_t stations_online = 0, stations_offline = 0;
  std::int64_t work_orders_open = 0;
};

/// A whole back office written at once by store::import_rows, e.g. the final state of a
/// simulation run. Rows go in this order, so later ones may refer to earlier ones.
struct back_office_rows {
  std::vector<std::pair<std::string, std::string>> settings;  ///< key, value (replacing)
  std::vector<twin::battery_model> models;  ///< added, or replacing a model with the same id
  std::vector<twin::country_policy> countries;
  std::vector<deposit_price> deposits;
  std::vector<twin::plan> plans;
  std::vector<twin::agent> agents;
  std::vector<twin::station> stations;      ///< with their slots
  std::vector<twin::battery> batteries;
  std::vector<twin::rider> riders;          ///< with deposits and plan
  std::vector<twin::posting> postings;      ///< a posting whose key exists is skipped
  std::vector<swap_record> swaps;           ///< recorded as they are (no billing, no station change)
  std::vector<twin::work_order> work_orders;
};

/// A custody anomaly: a report that contradicts where the back office has a pack or what a rider
/// holds (a second pack on one deposit, a pack reported in two places), kept for an operator until
/// closed with a note. While one about a rider is open, `admin check` accepts that rider holding
/// more packs than deposits.
struct anomaly {
  std::int64_t id = 0;                       ///< assigned by open_anomaly
  std::string kind;                          ///< e.g. "pack_elsewhere", "second_pack", "slot_occupied"
  std::string station_sn, rider_id, pack_sn;  ///< what it is about (empty when not known)
  std::string detail;                        ///< what was reported and what the record said
  twin::unix_ms opened_at{};
  std::optional<twin::unix_ms> closed_at;    ///< unset while open
  std::string closed_note;                   ///< what the operator found
};

/// True when `tz` names a time zone of the system's tz database (IANA name, e.g. "Asia/Shanghai").
bool known_timezone(const std::string& tz);

/// How a station's cabinet proves who it is at the WebSocket upgrade.
enum class station_credential {
  password,  ///< a password hash is set: HTTP Basic `SN:password` is checked
  none,      ///< the operator chose to admit it without credentials (`--no-password`)
  missing,   ///< neither: refused once accepted, until an operator sets a password or `--no-password`
};

/// "password", "none" or "missing".
const char* to_string(station_credential c) noexcept;

/// What store::hold_pending_station did.
enum class pending_hold {
  held,          ///< a new pending station
  exists,        ///< the SN is known already (nothing written)
  address_full,  ///< the per-address cap is reached (nothing written)
  total_full,    ///< the total cap is reached (nothing written)
};

/// What store::commit did with an operation.
enum class commit_outcome {
  applied,    ///< written
  duplicate,  ///< the same operation (same key, rider, kind and amount) was applied before: nothing written
  conflict,   ///< the key was used before for a different operation: nothing written
};

/// The back-office database.
class store {
 public:
  /// Opens `path` and applies pending migrations. Throws sql::store_error on failure.
  explicit store(const std::string& path, const store_options& opt = {});
  ~store();
  store(store&&) noexcept;
  store& operator=(store&&) noexcept;

  /// Schema version after opening (== latest_schema_version()).
  int schema_version();

  // Catalogue and deposits.
  std::vector<twin::battery_model> models();
  std::optional<twin::battery_model> model(const std::string& id);
  /// Sets the deposit of `model_id` in `amount.currency` (replacing an earlier one).
  twin::status set_deposit(const std::string& model_id, const twin::money& amount);
  std::vector<deposit_price> deposits();
  std::optional<twin::money> deposit(const std::string& model_id, const std::string& currency);

  // Countries.
  /// Creates or replaces a country's policy.
  twin::status set_country(const twin::country_policy& p);
  std::optional<twin::country_policy> country(const std::string& code);
  std::vector<twin::country_policy> countries();

  // Agents.
  twin::status add_agent(const twin::agent& a);
  std::optional<twin::agent> agent(const std::string& id);
  std::vector<twin::agent> agents();

  // Stations and slots.
  twin::status add_station(const twin::station& s);
  std::optional<twin::station> station(const std::string& sn);
  std::vector<twin::station> stations();
  /// Renames (desired name); the SN stays.
  twin::status rename_station(const std::string& sn, const std::string& name);
  /// Makes `agent_id` responsible for station `sn`.
  twin::status assign_agent(const std::string& sn, const std::string& agent_id);
  /// Saves a station's whole state (slots, link, settings) as the twin holds it.
  twin::status save_station(const twin::station& s);

  // Live cabinets: registration and credentials.
  /// A cabinet connected with SN `sn` that nobody registered: kept `pending`, named after its SN,
  /// with no slots and no location until an operator accepts it (station.duplicate if it exists;
  /// a pending one that exists takes `firmware` when it is not empty: what its cabinet last booted with).
  twin::status add_pending_station(const std::string& sn, const std::string& firmware, twin::unix_ms at);
  /// Accepts or rejects station `sn` (station.unknown when there is none).
  twin::status set_registration(const std::string& sn, twin::registration r);
  /// The answer recorded when cabinet event `key` of station `sn` was applied; nullopt when it
  /// never was. A resent event finds it and is answered again without a second effect.
  std::optional<std::string> cabinet_event(const std::string& sn, const std::string& key);
  /// Records cabinet event `key` of `sn` as applied, with its answer. Call it in the transaction
  /// of the event's effects (see transact()). False when the key was recorded before.
  bool add_cabinet_event(const std::string& sn, const std::string& key, twin::unix_ms at, const std::string& answer);
  /// A cabinet's StatusNotification for slot `idx` of `sn` (OCPP connectorStatus: "Faulted" ->
  /// fault, "Unavailable" -> disabled, "Available"/"Occupied" -> empty without a pack, else the
  /// pack's charging/ready state, charging when it was out of order). False when no such slot.
  bool apply_connector_status(const std::string& sn, int idx, const std::string& status);
  /// Sets station `sn`'s connectivity (online, last seen, boot id) as the live gateway sees it,
  /// leaving everything else alone (station.unknown when there is none). An unset last_seen or
  /// an empty boot id keeps the stored one.
  twin::status set_link(const std::string& sn, const twin::connectivity& link);
  /// Stores the hash (adapters/password.hpp) of station `sn`'s cabinet password (and clears a
  /// `--no-password` mark: the credential is now the password).
  twin::status set_station_password_hash(const std::string& sn, const std::string& hash);
  /// Station `sn`'s password hash, empty when none was set; nullopt when the station is unknown.
  std::optional<std::string> station_password_hash(const std::string& sn);
  /// Marks station `sn` as admitted without credentials, the operator's explicit choice
  /// (`--no-password`); any password hash is removed.
  twin::status set_station_no_password(const std::string& sn);
  /// How station `sn`'s cabinet is admitted; nullopt when the station is unknown.
  std::optional<station_credential> credential_of(const std::string& sn);
  /// The credential mode of every station, by SN.
  std::map<std::string, station_credential> station_credentials();
  /// How many accepted stations have each credential mode (for `serve`'s word at start).
  std::map<station_credential, std::size_t> accepted_credential_counts();
  /// A cabinet nobody registered upgraded its connection from `address`: hold its SN `pending`
  /// (as add_pending_station, without firmware) unless the caps are reached: `per_address_max`
  /// pending stations held from that address, `total_max` pending stations in all. The counts and
  /// the insert are one transaction.
  pending_hold hold_pending_station(const std::string& sn, const std::string& address, twin::unix_ms at,
                                    std::size_t per_address_max, std::size_t total_max);
  /// Pending stations in all, and those held from `address`.
  std::pair<std::size_t, std::size_t> pending_counts(const std::string& address);

  // Packs.
  twin::status add_battery(const twin::battery& b);
  std::optional<twin::battery> battery(const std::string& sn);
  std::vector<twin::battery> batteries();
  /// At most `limit` packs from the `offset`-th in SN order.
  std::vector<twin::battery> batteries(std::size_t offset, std::size_t limit);
  void save_battery(const twin::battery& b);

  // Plans.
  twin::status add_plan(const twin::plan& p);
  std::optional<twin::plan> plan(const std::string& id);
  std::vector<twin::plan> plans();
  twin::status retire_plan(const std::string& id);

  // Riders.
  twin::status add_rider(const twin::rider& r);
  std::optional<twin::rider> rider(const std::string& id);
  std::vector<twin::rider> riders();
  /// At most `limit` riders from the `offset`-th in id order, with deposits and plan (a page of the
  /// API's list: three queries, whatever the page's size).
  std::vector<twin::rider> riders(std::size_t offset, std::size_t limit);
  /// Saves a rider's identity and KYC state (name, phone, birth date, KYC, documents, note, Wh/km)
  /// and nothing else: wallet, deposits, plan and held pack are left as stored, so a KYC decision
  /// never writes back a balance read before someone else's top-up. Use change_rider() for those.
  void save_rider(const twin::rider& r);
  /// Applies a billing rule's outcome atomically: the rider as it became and its postings.
  /// Changes nothing when its first posting's key is already in the ledger: `duplicate` when that
  /// posting is the same (rider, kind, amount), `conflict` when the key was used for another one.
  /// `c` must have been decided from the rider as read inside the same open transaction (see
  /// change_rider), else a concurrent writer's change is lost. A balance, deposit or posting outside
  /// the money range (twin::money_limit_minor) throws sql::store_error and writes nothing: the
  /// billing rules refuse those first, this is the last guard.
  commit_outcome commit(const twin::rider_change& c);
  /// What change_rider did: the outcome, and the change as decided and written.
  struct rider_commit {
    commit_outcome outcome = commit_outcome::applied;
    twin::rider_change change;
  };
  /// The one way to change a rider's money (wallet, deposits, plan counters) from outside a
  /// transaction: reads rider `id` after taking SQLite's write lock (BEGIN IMMEDIATE, so no other
  /// process or connection can change it between this read and the write), lets `decide` compute
  /// the change from the rider as stored (reading whatever else it needs from this store), checks
  /// every balance and amount is within the money range (money.out_of_range) and commits it.
  /// rider.unknown when there is no such rider; `decide`'s refusal is returned as it is. Nothing is
  /// written unless it returns a value. Inside an open transaction it nests (a savepoint).
  twin::result<rider_commit> change_rider(
      const std::string& id, const std::function<twin::result<twin::rider_change>(const twin::rider&)>& decide);
  /// Records a swap atomically: the swap, its billing (rider and postings), and the station and
  /// packs as they are after it. False, changing nothing, when a swap with the same key was
  /// recorded before.
  bool record_swap(const swap_record& s, const twin::rider_change& c, const twin::station& station_after,
                   const std::vector<twin::battery>& packs_after);
  /// The swap recorded under idempotency key `key`, if any.
  std::optional<swap_record> swap_by_key(const std::string& key);
  /// Swaps of a rider (all riders when empty), oldest first.
  std::vector<swap_record> swaps(const std::string& rider_id = {});

  // Ledger.
  /// Appends postings in one transaction; a posting whose key exists is skipped. Returns how many
  /// were appended.
  std::size_t append_postings(const std::vector<twin::posting>& ps);
  /// As append_postings, telling which: `appended[i]` is false when `ps[i]`'s key was in the
  /// ledger already (or earlier in `ps`). One transaction: a failure writes none of them.
  std::vector<bool> append_postings_marked(const std::vector<twin::posting>& ps);
  /// Postings of a rider (all when empty), in order.
  std::vector<twin::posting> postings(const std::string& rider_id = {});

  // Work orders.
  /// Stores a new work order; returns its id.
  std::int64_t add_work_order(const twin::work_order& w);
  void save_work_order(const twin::work_order& w);
  /// True when a work order for `kind` at station `sn`, slot `slot` (0: the station) is not resolved.
  bool has_open_work_order(const std::string& sn, twin::alert_kind kind, int slot);
  std::vector<twin::work_order> work_orders(bool open_only);
  /// The work order with id `id`, or nullopt.
  std::optional<twin::work_order> find_work_order(std::int64_t id);

  // Custody anomalies (adapters/store_anomalies.cpp).
  /// Records `a` as open; returns its id. Nests in an open transaction.
  std::int64_t open_anomaly(const anomaly& a);
  /// Anomalies, oldest first; only the open ones when `open_only`.
  std::vector<anomaly> anomalies(bool open_only);
  /// Closes anomaly `id` as of `at` with the operator's `note` (input.invalid when the note is empty
  /// or the anomaly is unknown or already closed).
  twin::status close_anomaly(std::int64_t id, twin::unix_ms at, const std::string& note);

  // Settings.
  std::optional<std::string> setting(const std::string& key);
  void set_setting(const std::string& key, const std::string& value);

  // Bulk.
  /// Writes `rows` in one transaction (one commit, however many rows), with the same checks as
  /// the add_* and set_* methods. The first refusal is returned and nothing is written. A swap or
  /// work order naming an unknown rider or station throws sql::store_error (nothing is written).
  twin::status import_rows(const back_office_rows& rows);

  // ---- API tokens and the audit trail (issue 5; adapters/store_tokens.cpp, values in tokens.hpp) ----
  /// Creates a token named `name` (trimmed, 1..64 characters, no control characters: else
  /// input.invalid) with role `r`. Its secret is 32 bytes from OpenSSL's RAND_bytes; only a hash
  /// is stored, so the returned issued_token is the one chance to see it. Nests in an open
  /// transaction (see transact()).
  twin::result<issued_token> add_token(const std::string& name, role r, twin::unix_ms now);
  /// Every token, oldest first, revoked ones included (with their revocation time). No secrets.
  std::vector<token_info> tokens();
  /// The token with public id `id`, if any (no secret).
  std::optional<token_info> token(const std::string& id);
  /// Revokes token `id` as of `now`: from then on it never authenticates.
  revoke_outcome revoke_token(const std::string& id, twin::unix_ms now);
  /// The token a bearer string "<id>.<secret>" belongs to, when it is well formed, known, not
  /// revoked and its secret matches (compared in constant time); nullopt otherwise, whatever the reason.
  std::optional<token_info> authenticate(std::string_view bearer);
  /// Appends `e` to the audit trail (its id is assigned); returns the id. Throws sql::store_error
  /// when `e.detail` is not JSON. Nests in an open transaction.
  std::int64_t record_audit(const audit_entry& e);
  /// Audit entries at or after `since` (all when unset), oldest first (by time, then id), at most `limit`.
  std::vector<audit_entry> audit(std::optional<twin::unix_ms> since = std::nullopt, std::size_t limit = 100);
  // ---- end of API tokens and the audit trail ----

  /// The dashboard for the calendar day containing `now` in time zone `tz` (IANA name).
  /// Refuses an unknown zone with input.invalid.
  twin::result<dashboard> dashboard_at(twin::unix_ms now, const std::string& tz);

  /// Runs `f` in one transaction, or in a savepoint when a transaction is open: all of its writes
  /// or none (an exception from `f` undoes them and propagates). Nested calls nest.
  void transact(const std::function<void()>& f);

  /// The connection, for tests and benchmarks that measure raw SQLite beside the store.
  sql::database& db();

 private:
  void write_rider(const twin::rider& r);
  bool write_station(const twin::station& s);
  std::size_t write_postings(const std::vector<twin::posting>& ps, std::vector<bool>* appended = nullptr);
  // Checks and writes without a transaction of their own (add_* / set_* wrap them in one).
  twin::status put_deposit(const std::string& model_id, const twin::money& amount);
  twin::status put_country(const twin::country_policy& p);
  twin::status insert_agent(const twin::agent& a);
  twin::status insert_station(const twin::station& s);
  twin::status insert_battery(const twin::battery& b);
  twin::status insert_plan(const twin::plan& p);
  twin::status insert_rider(const twin::rider& r);
  void put_setting(const std::string& key, const std::string& value);
  std::int64_t insert_work_order(const twin::work_order& w);
  std::unique_ptr<sql::database> db_;
};

}  // namespace swaptwin::adapters
