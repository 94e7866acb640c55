// `swaptwin admin provision`: writes the deterministic layout of emulated cabinets
// (adapters/live_layout.hpp) into the back office, so `swaptwin serve` knows every cabinet, pack
// and rider that `swaptwin emulate` brings, without exchanging files. One transaction.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include <CLI/CLI.hpp>

#include "adapters/live_layout.hpp"
#include "adapters/password.hpp"
#include "adapters/sqlite.hpp"
#include "app/cli.hpp"
#include "twin/billing.hpp"

namespace swaptwin::app {

using namespace twin;

namespace {

struct provision_args {
  std::string prefix = "EMU-", password, currency = "KES", country = "KE";
  std::size_t first = 1, stations = 0;
  int width = 5, slots = 12, riders = 4, iterations = adapters::password_iterations;
  bool no_password = false;  // the operator's explicit choice: the cabinets connect without credentials
  std::int64_t plan_price_minor = 150, deposit_minor = 400000;
};

/// The plan every provisioned rider holds: pay per swap, so each swap posts a usage charge.
constexpr const char* plan_id = "emu-per-swap";

// PBKDF2 is ~3 ms a hash: 10,000 cabinets take 30 s on one core, so hash on every core.
std::vector<std::string> hash_all(const std::vector<std::string>& passwords, int iterations) {
  std::vector<std::string> out(passwords.size());
  const std::size_t n = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> workers;
  for (std::size_t w = 0; w < n; ++w)
    workers.emplace_back([&, w] {
      for (std::size_t i = w; i < passwords.size(); i += n) out[i] = adapters::hash_password(passwords[i], iterations);
    });
  for (auto& t : workers) t.join();
  return out;
}

int provision(cli_context& ctx, const provision_args& a) {
  // Never cabinets admitted without credentials by omission: the operator says which.
  if (a.password.empty() && !a.no_password)
    return fail({errc::invalid_argument, "provision: say how the cabinets are admitted: --password PATTERN ({sn} is "
                                         "replaced by each SN; 16 to 40 characters) or --no-password (they connect "
                                         "without credentials)"});
  const auto started = std::chrono::steady_clock::now();
  auto& db = ctx.db();
  const auto now = ctx.now();
  adapters::layout::params p;
  p.prefix = a.prefix;
  p.first = a.first;
  p.stations = a.stations;
  p.width = a.width;
  p.slots = a.slots;
  p.riders_per_station = a.riders;
  const auto layout = adapters::layout::provisioning(p);

  // Refuse before writing anything: an SN already there, a bad SN or password.
  std::set<std::string> existing;
  for (auto q = db.db().prepare("SELECT sn FROM stations"); q->step();) existing.insert(q->text(0));
  std::vector<std::string> passwords;
  for (const auto& st : layout) {
    if (auto why = validate_sn(st.sn); !why.empty()) return fail({errc::invalid_argument, "--prefix: " + why});
    if (existing.count(st.sn))
      return fail({errc::station_duplicate, "station " + st.sn + " already exists: provisioning is done once per "
                                            "station (choose another --prefix or --first)"});
    if (!a.password.empty()) {
      std::string pw = a.password;
      for (std::size_t at; (at = pw.find("{sn}")) != std::string::npos;) pw.replace(at, 4, st.sn);
      if (auto why = adapters::validate_cabinet_password(pw); !why.empty())
        return fail({errc::invalid_argument, "--password for " + st.sn + ": " + why});
      passwords.push_back(std::move(pw));
    }
  }

  adapters::back_office_rows rows;
  const auto model = adapters::layout::pack_model;
  if (!db.model(model))
    for (const auto& m : default_models())
      if (m.id == model) rows.models.push_back(m);
  auto policy = db.country(a.country);
  if (!policy) {
    policy = country_policy{a.country, a.currency, {"national_id"}, 18, payment_terms::postpaid, 7, 0};
    if (auto why = validate(*policy); !why.empty()) return fail({errc::invalid_argument, "--country/--currency: " + why});
    rows.countries.push_back(*policy);
  } else if (policy->currency != a.currency) {
    return fail({errc::invalid_argument, "country " + a.country + " pays in " + policy->currency + ", not " + a.currency +
                                             " (--currency)"});
  }
  auto deposit = db.deposit(model, a.currency);
  if (!deposit) {
    deposit = money{a.deposit_minor, a.currency};
    rows.deposits.push_back({model, *deposit});
  }
  auto pl = db.plan(plan_id);
  if (!pl) {
    plan fresh;
    fresh.id = plan_id;
    fresh.name = "Emulator: pay per swap";
    fresh.kind = plan_kind::cycles;
    fresh.currency = a.currency;
    fresh.unit_price_minor = a.plan_price_minor;
    if (auto why = validate(fresh); !why.empty()) return fail({errc::invalid_argument, "--plan-price-minor: " + why});
    rows.plans.push_back(fresh);
    pl = fresh;
  } else if (pl->kind != plan_kind::cycles || pl->currency != a.currency) {
    return fail({errc::invalid_argument, std::string{"plan "} + plan_id + " exists and is not a per-swap plan in " + a.currency});
  }

  const civil_day today = utc_day(now);
  for (std::size_t i = 0; i < layout.size(); ++i) {
    const auto& st = layout[i];
    // A deterministic grid around Nairobi, 100 cabinets a row, about 1 km apart.
    const geo_point at{-1.286 + 0.01 * static_cast<double>(i / 100), 36.817 + 0.01 * static_cast<double>(i % 100)};
    auto s = make_station(st.sn, st.sn, at, a.slots, 6000, now);
    s.reg = registration::accepted;
    for (const auto& sl : st.slots) {
      if (!sl.full) continue;
      auto& slot = s.slots[static_cast<std::size_t>(sl.index - 1)];
      slot.state = sl.content.soc >= 0.95 ? slot_state::ready : slot_state::charging;
      slot.battery_sn = sl.content.sn;
      slot.model_id = sl.content.model;
      slot.soc = sl.content.soc;
      battery b;
      b.sn = sl.content.sn;
      b.model_id = sl.content.model;
      b.soc = sl.content.soc;
      b.soh = sl.content.soh;
      b.place = pack_place::slot;
      b.place_ref = st.sn + ":" + std::to_string(sl.index);
      rows.batteries.push_back(std::move(b));
    }
    rows.stations.push_back(std::move(s));
    for (const auto& r : st.riders) {
      rider x;
      x.id = r.id;
      x.name = "Rider " + r.id;
      x.country = a.country;
      x.birth_date = today - 365 * 30;
      x.created_at = now;
      if (auto ok = submit_kyc(x, policy->kyc_documents, x.birth_date); !ok) return fail(ok.err());
      if (auto ok = approve_kyc(x, *policy, today); !ok) return fail(ok.err());
      auto paid = pay_deposit(x, *policy, model, *deposit, now, "provision:deposit:" + r.id);
      if (!paid) return fail(paid.err());
      auto bought = buy_plan(paid->after, *pl, *policy, now, "provision:plan:" + r.id);
      if (!bought) return fail(bought.err());
      x = bought->after;
      x.holding_sn = r.holding.sn;
      x.holding_model = r.holding.model;
      for (auto* ps : {&paid->postings, &bought->postings}) rows.postings.insert(rows.postings.end(), ps->begin(), ps->end());
      rows.riders.push_back(std::move(x));
      battery b;
      b.sn = r.holding.sn;
      b.model_id = r.holding.model;
      b.soc = r.holding.soc;
      b.soh = r.holding.soh;
      b.place = pack_place::rider;
      b.place_ref = r.id;
      rows.batteries.push_back(std::move(b));
    }
  }
  const auto hashes = hash_all(passwords, a.iterations);

  adapters::sql::transaction tx{db.db()};  // the import and the passwords: all or nothing
  if (auto s = db.import_rows(rows); !s) return fail(s.err());
  for (std::size_t i = 0; i < hashes.size(); ++i)
    if (auto s = db.set_station_password_hash(layout[i].sn, hashes[i]); !s) return fail(s.err());
  if (a.no_password)
    for (const auto& st : layout)
      if (auto s = db.set_station_no_password(st.sn); !s) return fail(s.err());
  tx.commit();

  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "provisioned " << layout.size() << " stations";
  if (!layout.empty()) std::cout << " (" << layout.front().sn << " .. " << layout.back().sn << ")";
  std::cout << ", " << layout.size() * static_cast<std::size_t>(std::max(0, a.slots - 1)) << " packs in slots, "
            << rows.riders.size() << " riders holding a pack each, plan " << plan_id << " ("
            << format_money(money{pl->unit_price_minor, pl->currency}) << " per swap)"
            << (a.no_password ? ", no passwords (--no-password)" : ", passwords set") << " in "
            << static_cast<int>(took * 1000) << " ms\n";
  return 0;
}

}  // namespace

void add_provision_command(CLI::App& admin, command& chosen) {
  auto a = std::make_shared<provision_args>();
  auto* c = admin.add_subcommand(
      "provision", "Write the stations, packs and riders of `swaptwin emulate` cabinets into the back office");
  c->footer(
      "The layout is the emulator's (adapters/live_layout.hpp), computed from the same numbers on both sides:\n"
      "station n = PREFIX + n zero-padded (EMU-00001), accepted, with --slots slots; slot s holds pack SN-Sss\n"
      "(48V, SoC 100 %) for s < --slots, the last slot is empty; rider SN-Rrr (rr = 1..--riders-per-station)\n"
      "is KYC-verified under --country, has paid the 48V deposit, holds plan emu-per-swap (cycles, a usage\n"
      "charge of --plan-price-minor per swap) and pack SN-Hrr (48V, SoC 30 %). Missing pieces are added: the\n"
      "48V model, the country policy (postpaid, national_id, no tax), the deposit, the plan. Everything goes in\n"
      "one transaction; a station SN that exists already refuses the whole run. Say how the cabinets are admitted:\n"
      "--password PATTERN, or --no-password to admit them without credentials (serve --refuse-unauthenticated\n"
      "still refuses those).\n"
      "Example: swaptwin admin provision --db live.db --stations 100 --password 'pw-{sn}-0123456789'\n"
      "         swaptwin emulate --url ws://127.0.0.1:9000/ocpp --stations 100 --password 'pw-{sn}-0123456789'");
  c->add_option("--prefix", a->prefix, "SN prefix (default EMU-)");
  c->add_option("--first", a->first, "Number of the first station (default 1)");
  c->add_option("--stations", a->stations, "How many stations")->required()->check(CLI::Range(1, 1000000));
  c->add_option("--width", a->width, "Digits of the station number (default 5)")->check(CLI::Range(1, 12));
  c->add_option("--slots", a->slots, "Slots per station (default 12)")->check(CLI::Range(1, 99));
  c->add_option("--riders-per-station", a->riders, "Riders per station (default 4)")->check(CLI::Range(0, 99));
  auto* pw = c->add_option("--password", a->password, "Cabinet password of every station; {sn} is replaced by its SN");
  c->add_flag("--no-password", a->no_password,
              "Admit the cabinets without credentials, on purpose (one of --password or --no-password is required)")
      ->excludes(pw);
  c->add_option("--password-iterations", a->iterations,
                "PBKDF2 iterations of the password hashes (default " + std::to_string(adapters::password_iterations) +
                    ", ~3 ms a hash; lower only for large load-test set-ups)")
      ->check(CLI::Range(1000, 10000000));
  c->add_option("--plan-price-minor", a->plan_price_minor, "Price per swap of plan emu-per-swap, minor units (default 150)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000000}));
  c->add_option("--deposit-minor", a->deposit_minor, "48V deposit when none is set in --currency (default 400000)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000000}));
  c->add_option("--currency", a->currency, "Currency of the riders' country (default KES)");
  c->add_option("--country", a->country, "Riders' country, ISO 3166 alpha-2 (default KE)");
  c->callback([a, &chosen] { chosen = [a](cli_context& ctx) { return provision(ctx, *a); }; });
}

}  // namespace swaptwin::app
