// `swaptwin admin station ...` and `swaptwin admin agent ...`.
#include <iostream>
#include <map>
#include <optional>

#include <CLI/CLI.hpp>

#include "adapters/password.hpp"
#include "adapters/sqlite.hpp"
#include "app/cli.hpp"
#include "app/output.hpp"

namespace swaptwin::app {

using namespace twin;

namespace {
std::string ready_summary(const station& s) {
  std::map<std::string, int> ready;
  for (const auto& sl : s.slots)
    if (sl.state == slot_state::ready && !slot_disabled(s, sl.index)) ++ready[sl.model_id];
  std::string out;
  for (const auto& [m, n] : ready) out += (out.empty() ? "" : " ") + m + ":" + std::to_string(n);
  return out.empty() ? "-" : out;
}

void print_station(std::ostream& os, const station& s, adapters::station_credential cred) {
  os << "Station " << s.sn << "  \"" << s.name() << "\"\n"
     << "  registered  " << to_string(s.reg) << '\n'
     << "  status      " << (s.link.online ? "online" : "offline") << ", last seen " << when(s.link.last_seen)
     << (s.desired.enabled ? "" : ", OUT OF SERVICE") << '\n'
     << "  location    " << s.location.lat << ", " << s.location.lon << '\n'
     << "  power cap   " << s.desired.power_cap_w << " W\n"
     << "  agent       " << (s.agent_id.empty() ? "-" : s.agent_id) << '\n'
     << "  firmware    " << (s.firmware.empty() ? "-" : s.firmware) << '\n'
     << "  credential  "
     << (cred == adapters::station_credential::password ? "password (HTTP Basic)"
         : cred == adapters::station_credential::none   ? "none: admitted without credentials (--no-password)"
                                                        : "MISSING: refused once accepted, until `station set-password`")
     << '\n';
  auto pending = pending_changes(s);
  if (!pending.empty()) {
    os << "  to push on reconnect:";
    for (const auto& c : pending) os << ' ' << c.field << '=' << c.value;
    os << '\n';
  }
  if (!s.link.online) os << "  (offline: slot details below are the last known state)\n";
  table t{{"SLOT", "STATE", "PACK", "MODEL", "SOC", "DOOR"}};
  for (const auto& sl : s.slots)
    t.add({std::to_string(sl.index), slot_disabled(s, sl.index) ? "disabled" : std::string{to_string(sl.state)},
           sl.battery_sn.empty() ? "-" : sl.battery_sn, sl.model_id.empty() ? "-" : sl.model_id,
           sl.battery_sn.empty() ? "-" : std::to_string(static_cast<int>(sl.soc * 100 + 0.5)) + "%",
           sl.door_open ? "open" : "closed"});
  t.print(os);
}
}  // namespace

namespace {
// --password P | --generate | --no-password: how a station's cabinet is admitted at the upgrade.
struct credential_choice {
  std::string password;
  bool generate = false, no_password = false;
  bool given() const { return generate || no_password || !password.empty(); }
};

void add_credential_options(CLI::App* c, credential_choice& a) {
  auto* pw = c->add_option("--password", a.password,
                           "The cabinet's HTTP Basic password: 16 to 40 printable characters (no spaces or colons)");
  auto* gen = c->add_flag("--generate", a.generate, "Make a random 24-character password and print it once")->excludes(pw);
  c->add_flag("--no-password", a.no_password,
              "Admit the cabinet without credentials, on purpose (serve --refuse-unauthenticated still refuses it)")
      ->excludes(pw)
      ->excludes(gen);
}

// What a choice writes: the hash to store (empty with --no-password) and a generated password to
// print once.
struct credential_update {
  std::string hash, generated;
  bool no_password = false;
};

twin::result<credential_update> resolve(const credential_choice& a) {
  credential_update u;
  if (a.no_password) {
    u.no_password = true;
    return u;
  }
  const auto password = a.generate ? adapters::generate_password() : a.password;
  if (auto why = adapters::validate_cabinet_password(password); !why.empty())
    return twin::error{errc::invalid_argument, "--password: " + why};
  u.hash = adapters::hash_password(password);
  if (u.hash.empty()) return twin::error{errc::invalid_argument, "no randomness available for the salt"};
  if (a.generate) u.generated = password;
  return u;
}

twin::status apply(adapters::store& db, const std::string& sn, const credential_update& u) {
  return u.no_password ? db.set_station_no_password(sn) : db.set_station_password_hash(sn, u.hash);
}

// The end of the line that reports a credential written.
std::string describe(const credential_update& u) {
  if (u.no_password) return "no password: its cabinet is admitted without credentials (--no-password)";
  if (!u.generated.empty()) return "password set: " + u.generated + "  (shown once; only its hash is stored)";
  return "password set";
}

std::string missing_hint(const std::string& sn) {
  return "its cabinet is refused at the upgrade (HTTP 401) until it has a credential: `swaptwin admin station "
         "set-password " + sn + " --password P` (or --generate), or `... " + sn + " --no-password` to admit it "
         "without credentials";
}

// `station accept|reject SN`: the operator's answer to a cabinet nobody registered.
void add_registration_command(CLI::App* station_cmd, command& chosen, const char* name, registration r,
                              const char* help) {
  auto* c = station_cmd->add_subcommand(name, help);
  auto sn = std::make_shared<std::string>();
  auto cred = std::make_shared<credential_choice>();
  c->add_option("sn", *sn, "Serial number")->required();
  if (r == registration::accepted) add_credential_options(c, *cred);
  c->callback([sn, r, cred, &chosen] {
    chosen = [sn, r, cred](cli_context& ctx) {
      std::optional<credential_update> update;
      if (cred->given()) {
        auto u = resolve(*cred);
        if (!u) return fail(u.err());
        update = *u;
      }
      auto& db = ctx.db();
      adapters::sql::transaction tx{db.db()};
      if (auto s = db.set_registration(*sn, r); !s) return fail(s.err());
      if (update)
        if (auto s = apply(db, *sn, *update); !s) return fail(s.err());
      tx.commit();
      std::cout << "station " << *sn << " " << to_string(r)
                << (r == registration::accepted ? ": its cabinet is accepted at its next boot\n"
                                                : ": its cabinet is refused at every boot\n");
      if (update) std::cout << "station " << *sn << " " << describe(*update) << '\n';
      else if (r == registration::accepted && db.credential_of(*sn) == adapters::station_credential::missing)
        std::cout << "station " << *sn << " has no password and is not marked --no-password: " << missing_hint(*sn) << '\n';
      return 0;
    };
  });
}

// `station disable-slot|enable-slot SN SLOT`: desired state, pushed to the cabinet when it is online.
void add_slot_command(CLI::App* station_cmd, command& chosen, const char* name, bool disable, const char* help) {
  auto* c = station_cmd->add_subcommand(name, help);
  auto sn = std::make_shared<std::string>();
  auto slot = std::make_shared<int>(0);
  c->add_option("sn", *sn, "Serial number")->required();
  c->add_option("slot", *slot, "Slot number, from 1")->required();
  c->callback([sn, slot, disable, &chosen] {
    chosen = [sn, slot, disable](cli_context& ctx) {
      auto s = ctx.db().station(*sn);
      if (!s) return fail({errc::station_unknown, "station " + *sn + " is not known"});
      if (auto r = set_slot_disabled(*s, *slot, disable); !r) return fail(r.err());
      if (auto r = ctx.db().save_station(*s); !r) return fail(r.err());
      std::cout << "station " << *sn << " slot " << *slot << (disable ? " disabled" : " enabled")
                << (pending_changes(*s).empty() ? "\n" : " (pushed to the cabinet when it is online)\n");
      return 0;
    };
  });
}
// The commands a live deployment needs: registration, cabinet passwords, slots in service.
void add_station_live_commands(CLI::App* station_cmd, command& chosen) {
  add_registration_command(station_cmd, chosen, "accept", registration::accepted,
                           "Accept a cabinet that connected with an unregistered SN");
  add_registration_command(station_cmd, chosen, "reject", registration::rejected, "Refuse a cabinet at every boot");
  add_slot_command(station_cmd, chosen, "disable-slot", true, "Take a slot out of service");
  add_slot_command(station_cmd, chosen, "enable-slot", false, "Put a slot back in service");
  auto* c = station_cmd->add_subcommand(
      "set-password", "Set how a cabinet is admitted: its password (HTTP Basic), or none on purpose (--no-password)");
  auto sn = std::make_shared<std::string>();
  auto cred = std::make_shared<credential_choice>();
  c->add_option("sn", *sn, "Serial number")->required();
  add_credential_options(c, *cred);
  c->callback([sn, cred, &chosen] {
    chosen = [sn, cred](cli_context& ctx) {
      if (!cred->given()) return fail({errc::invalid_argument, "give --password P, --generate or --no-password"});
      auto u = resolve(*cred);
      if (!u) return fail(u.err());
      if (auto r = apply(ctx.db(), *sn, *u); !r) return fail(r.err());
      std::cout << "station " << *sn << " " << describe(*u) << '\n';
      return 0;
    };
  });
}
}  // namespace

void add_station_commands(CLI::App& admin, command& chosen) {
  auto* station_cmd = admin.add_subcommand("station", "Stations (cabinets) by SN");

  {
    auto* c = station_cmd->add_subcommand("add", "Register a station");
    struct args_t {
      std::string sn, name, agent;
      double lat = 0, lon = 0;
      int slots = 12, power_cap_w = 6000;
    };
    auto a = std::make_shared<args_t>();
    auto cred = std::make_shared<credential_choice>();
    c->add_option("sn", a->sn, "Serial number (immutable)")->required();
    c->add_option("--name", a->name, "Display name")->required();
    c->add_option("--lat", a->lat, "Latitude in degrees")->required();
    c->add_option("--lon", a->lon, "Longitude in degrees")->required();
    c->add_option("--slots", a->slots, "Number of slots")->capture_default_str();
    c->add_option("--power-cap-w", a->power_cap_w, "Site power cap shared by the slots, W")->capture_default_str();
    c->add_option("--agent", a->agent, "Responsible agent id");
    add_credential_options(c, *cred);
    c->callback([a, cred, &chosen] {
      chosen = [a, cred](cli_context& ctx) {
        // Never a cabinet admitted without credentials by omission: the operator says which.
        if (!cred->given())
          return fail({errc::invalid_argument, "station " + a->sn + ": say how its cabinet is admitted: --password P "
                                               "(16 to 40 characters), --generate, or --no-password (it connects "
                                               "without credentials)"});
        auto u = resolve(*cred);
        if (!u) return fail(u.err());
        auto s = make_station(a->sn, a->name, {a->lat, a->lon}, a->slots, a->power_cap_w, ctx.now());
        s.agent_id = a->agent;
        if (auto r = rename(s, a->name); !r) return fail(r.err());  // trims, refuses blank names
        s.reported.name = s.desired.name;
        auto& db = ctx.db();
        adapters::sql::transaction tx{db.db()};
        if (auto r = db.add_station(s); !r) return fail(r.err());
        if (auto r = apply(db, s.sn, *u); !r) return fail(r.err());
        tx.commit();
        std::cout << "station " << s.sn << " added: \"" << s.name() << "\", " << a->slots << " slots, " << describe(*u)
                  << '\n';
        return 0;
      };
    });
  }
  {
    auto* c = station_cmd->add_subcommand("list", "List stations");
    auto json_out = std::make_shared<bool>(false);
    auto pending_only = std::make_shared<bool>(false);
    auto credential = std::make_shared<std::string>();
    c->add_flag("--json", *json_out, "Print JSON");
    c->add_flag("--pending", *pending_only, "Only cabinets waiting for an operator to accept them");
    c->add_option("--credential", *credential,
                  "Only stations whose cabinets are admitted so: password, none (--no-password) or missing (neither: "
                  "refused once accepted)")
        ->check(CLI::IsMember({"password", "none", "missing"}));
    c->callback([json_out, pending_only, credential, &chosen] {
      chosen = [json_out, pending_only, credential](cli_context& ctx) {
        auto all = ctx.db().stations();
        const auto creds = ctx.db().station_credentials();
        auto mode = [&](const station& s) {
          auto it = creds.find(s.sn);
          return std::string{adapters::to_string(it == creds.end() ? adapters::station_credential::missing : it->second)};
        };
        all.erase(std::remove_if(all.begin(), all.end(),
                                 [&](const station& s) {
                                   return (*pending_only && s.reg != registration::pending) ||
                                          (!credential->empty() && mode(s) != *credential);
                                 }),
                  all.end());
        if (*json_out) {
          json j = json::array();
          for (const auto& s : all) {
            j.push_back(to_json(s, false));
            j.back()["credential"] = mode(s);
          }
          print_json(std::cout, j);
          return 0;
        }
        table t{{"SN", "NAME", "STATUS", "LAST SEEN", "SLOTS", "FREE", "READY", "AGENT", "CREDENTIAL"}};
        for (const auto& s : all)
          t.add({s.sn, s.name(),
                 s.reg != registration::accepted ? std::string{to_string(s.reg)} : s.link.online ? "online" : "offline",
                 when(s.link.last_seen),
                 std::to_string(s.slots.size()), std::to_string(free_count(s)), ready_summary(s),
                 s.agent_id.empty() ? "-" : s.agent_id, mode(s)});
        t.print(std::cout);
        return 0;
      };
    });
  }
  {
    auto* c = station_cmd->add_subcommand("show", "Show one station and its slots");
    auto sn = std::make_shared<std::string>();
    auto json_out = std::make_shared<bool>(false);
    c->add_option("sn", *sn, "Serial number")->required();
    c->add_flag("--json", *json_out, "Print JSON");
    c->callback([sn, json_out, &chosen] {
      chosen = [sn, json_out](cli_context& ctx) {
        auto s = ctx.db().station(*sn);
        if (!s) return fail({errc::station_unknown, "station " + *sn + " is not known"});
        const auto cred = ctx.db().credential_of(*sn).value_or(adapters::station_credential::missing);
        if (*json_out) {
          auto j = to_json(*s, true);
          j["credential"] = adapters::to_string(cred);
          print_json(std::cout, j);
        } else {
          print_station(std::cout, *s, cred);
        }
        return 0;
      };
    });
  }
  {
    auto* c = station_cmd->add_subcommand("rename", "Rename a station (its SN stays)");
    auto sn = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    c->add_option("sn", *sn, "Serial number")->required();
    c->add_option("name", *name, "New display name")->required();
    c->callback([sn, name, &chosen] {
      chosen = [sn, name](cli_context& ctx) {
        if (auto r = ctx.db().rename_station(*sn, *name); !r) return fail(r.err());
        std::cout << "station " << *sn << " renamed to \"" << ctx.db().station(*sn)->name() << "\"\n";
        return 0;
      };
    });
  }
  add_station_live_commands(station_cmd, chosen);
}

void add_agent_commands(CLI::App& admin, command& chosen) {
  auto* agent_cmd = admin.add_subcommand("agent", "Field agents and the stations they look after");
  {
    auto* c = agent_cmd->add_subcommand("add", "Register an agent");
    auto a = std::make_shared<agent>();
    c->add_option("id", a->id, "Agent id")->required();
    c->add_option("--name", a->name, "Name")->required();
    c->add_option("--region", a->region, "Region")->required();
    c->add_option("--phone", a->phone, "Phone");
    c->add_option("--lat", a->base.lat, "Base latitude");
    c->add_option("--lon", a->base.lon, "Base longitude");
    c->callback([a, &chosen] {
      chosen = [a](cli_context& ctx) {
        if (auto r = ctx.db().add_agent(*a); !r) return fail(r.err());
        std::cout << "agent " << a->id << " added\n";
        return 0;
      };
    });
  }
  {
    auto* c = agent_cmd->add_subcommand("list", "List agents with their stations and open alerts");
    auto json_out = std::make_shared<bool>(false);
    c->add_flag("--json", *json_out, "Print JSON");
    c->callback([json_out, &chosen] {
      chosen = [json_out](cli_context& ctx) {
        auto stations = ctx.db().stations();
        auto orders = ctx.db().work_orders(true);
        json j = json::array();
        table t{{"ID", "NAME", "REGION", "STATE", "STATIONS", "OPEN ALERTS"}};
        for (const auto& a : ctx.db().agents()) {
          std::vector<std::string> sns;
          for (const auto& s : stations)
            if (s.agent_id == a.id) sns.push_back(s.sn);
          json alerts = json::array();
          for (const auto& w : orders)
            if (w.agent_id == a.id || std::find(sns.begin(), sns.end(), w.station_sn) != sns.end())
              alerts.push_back({{"id", w.id}, {"station_sn", w.station_sn}, {"alert", to_string(w.alert)},
                                {"state", to_string(w.state)}, {"due_at", format_instant(w.due_at)},
                                {"sla_breached", sla_breached(w, ctx.now())}});
          j.push_back({{"id", a.id}, {"name", a.name}, {"region", a.region}, {"phone", a.phone},
                       {"lat", a.base.lat}, {"lon", a.base.lon}, {"state", to_string(a.state)},
                       {"stations", sns}, {"open_alerts", alerts}});
          std::string list;
          for (const auto& sn : sns) list += (list.empty() ? "" : ",") + sn;
          t.add({a.id, a.name, a.region, std::string{to_string(a.state)}, list.empty() ? "-" : list,
                 std::to_string(alerts.size())});
        }
        if (*json_out) print_json(std::cout, j);
        else t.print(std::cout);
        return 0;
      };
    });
  }
  {
    auto* c = agent_cmd->add_subcommand("assign", "Make an agent responsible for a station");
    auto id = std::make_shared<std::string>();
    auto sn = std::make_shared<std::string>();
    c->add_option("agent", *id, "Agent id")->required();
    c->add_option("sn", *sn, "Station SN")->required();
    c->callback([id, sn, &chosen] {
      chosen = [id, sn](cli_context& ctx) {
        if (auto r = ctx.db().assign_agent(*sn, *id); !r) return fail(r.err());
        std::cout << "agent " << *id << " now looks after station " << *sn << '\n';
        return 0;
      };
    });
  }
}

}  // namespace swaptwin::app
