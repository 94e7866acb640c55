// `swaptwin demo`: builds a demo back office (two countries, stations, agents, riders, plans and
// a day of swaps) in a fresh SQLite file, then prints its dashboard. Deterministic for a given
// --seed and --now.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "app/backoffice.hpp"
#include "app/cli.hpp"
#include "app/output.hpp"
#include "twin/billing.hpp"

namespace swaptwin::app {

using namespace twin;
using std::chrono::hours;
using std::chrono::minutes;

namespace {
// splitmix64: small, seedable, the same on every platform.
class rng {
 public:
  explicit rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t s_;
};

struct city {
  const char* prefix;
  const char* country;
  geo_point centre;
  int stations;
  std::vector<std::string> models;
  std::vector<std::string> plans;
  const char* agent;
};

void must(const status& s) {
  if (!s) throw std::runtime_error("demo set-up failed: " + s.err().what());
}

money amount(const char* text) { return parse_money(text).value(); }

plan make_plan(const char* id, const char* name, plan_kind kind, const char* price, const char* unit,
               int swap_cap = 0, int km = 0, int swaps = 0, period_unit period = period_unit::month) {
  plan p;
  p.id = id;
  p.name = name;
  p.kind = kind;
  p.period = period;
  p.swap_cap = swap_cap;
  p.bundle_km = km;
  p.bundle_swaps = swaps;
  if (price) p.price_minor = amount(price).minor, p.currency = amount(price).currency;
  if (unit) p.unit_price_minor = amount(unit).minor, p.currency = amount(unit).currency;
  return p;
}

struct demo_stats {
  int swaps = 0;
  std::map<std::string, int> refused;
};

void build(adapters::store& db, unix_ms now, std::uint64_t seed, demo_stats& stats) {
  rng rnd{seed};
  db.set_setting("demo", "true");
  must(db.set_country({"CN", "CNY", {"national_id", "selfie"}, 16, payment_terms::prepaid, 0, 1300}));
  must(db.set_country({"KE", "KES", {"national_id"}, 18, payment_terms::postpaid, 7, 1600}));
  for (auto [model, cny, kes] : {std::tuple{"48V", "200.00 CNY", "4000.00 KES"},
                                 std::tuple{"60V", "300.00 CNY", "6000.00 KES"},
                                 std::tuple{"72V", "400.00 CNY", "8000.00 KES"}}) {
    must(db.set_deposit(model, amount(cny)));
    must(db.set_deposit(model, amount(kes)));
  }
  for (const auto& p : {make_plan("cn-month", "Unlimited month", plan_kind::period, "299.00 CNY", nullptr),
                        make_plan("cn-week-30", "Week, 30 swaps", plan_kind::period, "69.00 CNY", nullptr, 30, 0, 0,
                                  period_unit::week),
                        make_plan("cn-km-300", "300 km bundle", plan_kind::distance, "90.00 CNY", "0.40 CNY", 0, 300),
                        make_plan("cn-per-swap", "Pay per swap", plan_kind::cycles, nullptr, "6.00 CNY"),
                        make_plan("ke-per-kwh", "Pay per kWh", plan_kind::energy, nullptr, "45.00 KES"),
                        make_plan("ke-per-km", "Pay per km", plan_kind::distance, nullptr, "3.00 KES"),
                        make_plan("ke-20-swaps", "20 swaps", plan_kind::cycles, "1800.00 KES", nullptr, 0, 0, 20)})
    must(db.add_plan(p));
  must(db.add_agent({"AG-SZ", "Li Wei", "Shenzhen", "+86 138 0000 0001", {22.543, 114.058}, agent_state::available}));
  must(db.add_agent({"AG-NBO", "Grace Wanjiru", "Nairobi", "+254 700 000 001", {-1.286, 36.817}, agent_state::available}));

  const std::vector<city> cities{
      {"SZ", "CN", {22.543, 114.058}, 6, {"60V", "48V"}, {"cn-month", "cn-week-30", "cn-km-300", "cn-per-swap"}, "AG-SZ"},
      {"NBO", "KE", {-1.286, 36.817}, 4, {"72V", "48V"}, {"ke-per-kwh", "ke-per-km", "ke-20-swaps"}, "AG-NBO"}};
  const char* names[] = {"Central", "Market", "Station Rd", "University", "Harbour", "Airport"};
  std::map<std::string, std::vector<std::string>> city_stations;
  for (const auto& c : cities) {
    for (int i = 1; i <= c.stations; ++i) {
      char sn[32];
      std::snprintf(sn, sizeof sn, "%s-%04d", c.prefix, i);
      geo_point at{c.centre.lat + (rnd.uniform() - 0.5) * 0.06, c.centre.lon + (rnd.uniform() - 0.5) * 0.06};
      auto s = make_station(sn, std::string{c.prefix} + " " + names[(i - 1) % 6], at, 12, 6000, now - hours{24 * 60});
      s.agent_id = c.agent;
      s.firmware = "2.4.1";
      s.link.online = true;
      s.link.last_seen = now - minutes{rnd.below(5)};
      s.link.boot_id = "boot-1";
      must(db.add_station(s));
      for (auto& sl : s.slots) {
        if (sl.index > 10) continue;  // two empty slots per cabinet to take returned packs
        battery b;
        b.sn = std::string{sn} + "-P" + std::to_string(sl.index);
        b.model_id = c.models[static_cast<size_t>(sl.index % 3 == 0 ? 1 : 0)];
        b.soc = rnd.uniform() < 0.75 ? 0.96 + rnd.uniform() * 0.04 : 0.3 + rnd.uniform() * 0.6;
        b.soh = 0.85 + rnd.uniform() * 0.15;
        b.cycles = 50 + rnd.below(400);
        b.place = pack_place::slot;
        b.place_ref = std::string{sn} + ":" + std::to_string(sl.index);
        must(db.add_battery(b));
        sl.state = b.soc >= 0.95 ? slot_state::ready : slot_state::charging;
        sl.battery_sn = b.sn;
        sl.model_id = b.model_id;
        sl.soc = b.soc;
        sl.charge_power_w = sl.state == slot_state::charging ? 500 : 0;
      }
      must(db.save_station(s));
      city_stations[c.country].push_back(sn);
    }
  }
  // One cabinet went dark three hours ago, and a slot faulted this morning.
  auto dark = *db.station("SZ-0006");
  dark.link.online = false;
  dark.link.last_seen = now - hours{3};
  must(db.save_station(dark));
  auto wo = open_work_order(0, "SZ-0006", alert_kind::station_offline, 0, now - hours{3});
  must(advance(wo, wo_state::assigned, now - hours{3} + minutes{2}, "AG-SZ"));
  must(advance(wo, wo_state::en_route, now - hours{3} + minutes{10}, "AG-SZ"));
  db.add_work_order(wo);
  db.add_work_order(open_work_order(0, "NBO-0002", alert_kind::slot_fault, 4, now - minutes{90}));

  // Riders: most verified with a deposit and a plan; some new today, some still under review.
  struct swap_event {
    unix_ms at;
    std::string rider, sn, model;
  };
  std::vector<swap_event> events;
  const unix_ms window_start = now - hours{10};  // swaps over the last ten hours
  int n = 0;
  for (const auto& c : cities) {
    auto policy = *db.country(c.country);
    int riders = c.stations * 8;
    for (int i = 0; i < riders; ++i, ++n) {
      rider r;
      char id[32];
      std::snprintf(id, sizeof id, "R-%s-%03d", c.country, i + 1);
      r.id = id;
      r.name = std::string{"Rider "} + (id + 2);
      r.country = c.country;
      r.phone = c.country == std::string{"CN"} ? "+86 139 1000 " + std::to_string(1000 + i) : "+254 711 00" + std::to_string(1000 + i);
      r.birth_date = static_cast<civil_day>(utc_day(now) - 365 * (19 + rnd.below(30)) - rnd.below(365));
      r.wh_per_km = 18 + rnd.below(10);
      bool today = i % 7 == 0;
      r.created_at = today ? now - minutes{30 + rnd.below(300)} : now - hours{24 * (1 + rnd.below(30))};
      must(db.add_rider(r));
      double roll = rnd.uniform();
      if (roll < 0.05) continue;  // never submitted documents
      must(submit_kyc(r, policy.kyc_documents, r.birth_date));
      if (roll < 0.12) {
        db.save_rider(r);
        continue;
      }
      if (roll < 0.14) {
        must(reject_kyc(r, "photo does not match the ID"));
        db.save_rider(r);
        continue;
      }
      must(approve_kyc(r, policy, utc_day(r.created_at)));
      db.save_rider(r);
      const auto& model = c.models[static_cast<size_t>(rnd.below(4) == 0 ? 1 : 0)];
      unix_ms bought = today ? r.created_at + minutes{5} : now - hours{rnd.below(6 * 24)};
      auto dep = pay_deposit(r, policy, model, *db.deposit(model, policy.currency), r.created_at, "demo:dep:" + r.id);
      db.commit(*dep);
      auto plan_id = c.plans[static_cast<size_t>(rnd.below(static_cast<int>(c.plans.size())))];
      auto bought_plan = buy_plan(dep->after, *db.plan(plan_id), policy, bought, "demo:plan:" + r.id);
      db.commit(*bought_plan);  // a pay-as-you-go enrolment posts nothing and writes the plan
      if (policy.terms == payment_terms::prepaid && rnd.below(3) > 0) {
        auto topped = top_up(bought_plan->after, policy, money{5000 + 1000 * rnd.below(10), policy.currency}, bought,
                             "demo:topup:" + r.id);
        db.commit(*topped);
      }
      int swaps = rnd.below(3);
      const auto& sns = city_stations[c.country];
      for (int k = 0; k < swaps; ++k) {
        auto at = window_start + std::chrono::milliseconds{static_cast<std::int64_t>(
                                     rnd.uniform() * static_cast<double>((now - window_start).count()))};
        events.push_back({std::max(at, bought + minutes{1}), r.id, sns[static_cast<size_t>(rnd.below(static_cast<int>(sns.size())))], model});
      }
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  int k = 0;
  for (const auto& e : events) {
    if (e.at > now) continue;
    auto out = perform_swap(db, e.rider, e.sn, e.model, 0.1 + rnd.uniform() * 0.3, e.at, "demo:swap:" + std::to_string(++k));
    if (!out) throw std::runtime_error("demo swap failed: " + out.err().what());
    if (out->decision.allowed()) ++stats.swaps;
    else ++stats.refused[std::string{code_string(out->decision.reason)}];
  }
}
}  // namespace

void add_demo_command(CLI::App& app, cli_globals& g, command& chosen) {
  auto* c = app.add_subcommand("demo", "Build a demo back office in a fresh SQLite file and print its dashboard");
  auto seed = std::make_shared<std::uint64_t>(7);
  auto json_out = std::make_shared<bool>(false);
  auto force = std::make_shared<bool>(false);
  auto db_path = std::make_shared<std::string>("swaptwin-demo.db");
  c->add_option("--db", *db_path, "Database file to (re)create")->capture_default_str();
  c->add_flag("--force", *force, "Replace --db even if the demo did not make it");
  c->add_option("--now", g.now_text, "Build the demo as of this UTC instant (default: now)");
  c->add_option("--seed", *seed, "Seed of the demo's random choices")->capture_default_str();
  c->add_flag("--json", *json_out, "Print the dashboard as JSON");
  c->callback([&g, db_path, seed, json_out, force, &chosen] {
    g.db_path = *db_path;
    chosen = [&g, seed, json_out, force](cli_context& ctx) {
      // Only ever replace a database the demo itself made (or ask for --force).
      if (std::ifstream{g.db_path} && !*force) {
        bool is_demo = false;
        try {
          is_demo = adapters::store{g.db_path, {false}}.setting("demo").value_or("") == "true";
        } catch (const std::exception&) {
        }
        if (!is_demo)
          return fail({errc::invalid_argument, g.db_path + " exists and was not made by swaptwin demo; "
                                                             "choose another --db or add --force to replace it"});
      }
      for (const char* suffix : {"", "-wal", "-shm"}) std::remove((g.db_path + suffix).c_str());
      auto now = ctx.now();
      demo_stats stats;
      build(ctx.db(), now, *seed, stats);
      auto d = ctx.db().dashboard_at(now, ctx.timezone());
      if (!d) return fail(d.err());
      if (*json_out) {
        print_json(std::cout, to_json(*d));
        return 0;
      }
      std::cout << "Demo back office written to " << g.db_path << ": " << ctx.db().stations().size() << " stations, "
                << d->riders_total << " riders, " << stats.swaps << " swaps";
      int refused = 0;
      for (const auto& [_, count] : stats.refused) refused += count;
      if (refused) {
        std::cout << ", " << refused << " refused (";
        bool first = true;
        for (const auto& [reason, count] : stats.refused) {
          std::cout << (first ? "" : ", ") << reason << " " << count;
          first = false;
        }
        std::cout << ")";
      }
      std::cout << "\n\n";
      print_dashboard(std::cout, *d);
      std::cout << "\nExplore it: swaptwin admin --db " << g.db_path << " station list | rider list | plan list\n";
      return 0;
    };
  });
}

}  // namespace swaptwin::app
