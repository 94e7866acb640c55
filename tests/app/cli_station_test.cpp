// Stations on the command line: rename, list and show (text and JSON).
#include "adapters/password.hpp"
#include "back_office.hpp"

namespace swaptwin::apptest {
namespace {

using namespace twin;

class station_test : public back_office_test {
 protected:
  void SetUp() override {
    back_office_test::SetUp();
    build_catalogue();
  }
};

const std::vector<std::string> station_keys{"sn",          "name",      "registration", "lat",        "lon",
                                            "slots",       "power_cap_w", "enabled",  "agent_id",
                                            "online",      "last_seen", "firmware",   "ready_packs",
                                            "free_slots",  "pending_changes", "credential"};

TEST_F(station_test, RenameShowsEverywhereKeepsSnAndSurvivesReopening) {
  EXPECT_EQ(ok({"station", "rename", "SZ-0001", "Futian North"}), "station SZ-0001 renamed to \"Futian North\"\n");

  auto list = ok({"station", "list"});
  auto row = list.find("\nSZ-0001 ");
  ASSERT_NE(row, std::string::npos) << list;
  EXPECT_NE(list.substr(row, list.find('\n', row + 1) - row).find(" Futian North "), std::string::npos) << list;
  EXPECT_EQ(list.find("Futian Central"), std::string::npos) << list;

  auto show = ok({"station", "show", "SZ-0001"});
  EXPECT_EQ(show.rfind("Station SZ-0001  \"Futian North\"\n", 0), 0u) << show;

  auto lj = ok_json({"station", "list"});
  ASSERT_TRUE(lj.is_array());
  ASSERT_EQ(lj.size(), 3u);
  bool found = false;
  for (const auto& s : lj)
    if (s["sn"] == "SZ-0001") {
      found = true;
      EXPECT_EQ(s["name"], "Futian North");
      EXPECT_EQ(s["pending_changes"], json::parse(R"([{"field": "name", "value": "Futian North"}])"))
          << "the cabinet has not applied the new name yet";
    }
  EXPECT_TRUE(found) << lj.dump(2);

  auto sj = ok_json({"station", "show", "SZ-0001"});
  EXPECT_EQ(sj["sn"], "SZ-0001");
  EXPECT_EQ(sj["name"], "Futian North");

  // A fresh connection (as a new process would open) sees the new name under the same SN.
  auto db = store();
  auto s = db.station("SZ-0001");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name(), "Futian North");
  EXPECT_EQ(s->reported.name, "Futian Central");
  EXPECT_EQ(s->slots.size(), 8u);
  EXPECT_EQ(s->agent_id, "AG-SZ");
  EXPECT_EQ(db.stations().size(), 3u);
}

TEST_F(station_test, RenameKeepsSlotsPacksAndLinkOfAnOnlineStation) {
  bring_online("SZ-0001", "60V", {1.0, 0.5});
  const auto before = store().station("SZ-0001");
  ok({"station", "rename", "SZ-0001", "Futian Hub"});
  auto after = store().station("SZ-0001");
  EXPECT_EQ(after->name(), "Futian Hub");
  EXPECT_TRUE(after->link.online);
  ASSERT_EQ(after->slots.size(), before->slots.size());
  for (size_t i = 0; i < after->slots.size(); ++i) {
    EXPECT_EQ(after->slots[i].battery_sn, before->slots[i].battery_sn);
    EXPECT_EQ(after->slots[i].state, before->slots[i].state);
  }
  auto sj = ok_json({"station", "show", "SZ-0001"});
  EXPECT_EQ(sj["online"], true);
  EXPECT_EQ(sj["ready_packs"], json::parse(R"({"60V": 2})"));
}

TEST_F(station_test, RenameTrimsBlanksAndAcceptsUtf8) {
  ok({"station", "rename", "SZ-0002", "  Nanshan  "});
  EXPECT_EQ(store().station("SZ-0002")->name(), "Nanshan");
  ok({"station", "rename", "SZ-0002", "南山 市场"});
  EXPECT_EQ(ok_json({"station", "show", "SZ-0002"})["name"], "南山 市场");
  EXPECT_NE(ok({"station", "list"}).find("南山 市场"), std::string::npos);
}

TEST_F(station_test, BadRenamesChangeNothing) {
  const auto before = snapshot();
  const auto list_before = ok({"station", "list", "--json"});
  EXPECT_ONE_LINE_ERROR(admin({"station", "rename", "SZ-9999", "Anything"}), "station.unknown");
  EXPECT_ONE_LINE_ERROR(admin({"station", "rename", "SZ-0001", ""}), "station.name_empty");
  EXPECT_ONE_LINE_ERROR(admin({"station", "rename", "SZ-0001", "   "}), "station.name_empty");
  EXPECT_ONE_LINE_ERROR(admin({"station", "rename", "SZ-0001", std::string(65, 'x')}), "input.invalid");
  EXPECT_ONE_LINE_ERROR(admin({"station", "show", "SZ-9999"}), "station.unknown");
  EXPECT_ONE_LINE_ERROR(admin({"station", "show", "SZ-9999", "--json"}), "station.unknown");
  EXPECT_EQ(ok({"station", "list", "--json"}), list_before);
  EXPECT_EQ(changes_since(before), "");
  ok({"station", "rename", "SZ-0001", std::string(64, 'x')});  // 64 characters is the limit
}

// A display name is one line of text: a newline in it breaks the aligned tables of `station list`.
TEST_F(station_test, RenameRefusesControlCharacters) {
  const auto before = snapshot();
  auto r = admin({"station", "rename", "SZ-0001", "Futian\nCentral"});
  EXPECT_EQ(r.code, 1) << "a name with a newline is accepted\n" << describe(r);
  EXPECT_EQ(changes_since(before), "");
}

TEST_F(station_test, ListAndShowJsonHaveTheDocumentedKeys) {
  bring_online("SZ-0002", "60V", {1.0});
  auto lj = ok_json({"station", "list"});
  ASSERT_TRUE(lj.is_array());
  ASSERT_EQ(lj.size(), 3u);
  for (const auto& s : lj) {
    for (const auto& k : station_keys) EXPECT_TRUE(s.contains(k)) << k << " missing in " << s.dump();
    EXPECT_FALSE(s.contains("slot_list")) << "list leaves out the slots";
  }
  auto sj = ok_json({"station", "show", "SZ-0001"});
  for (const auto& k : station_keys) EXPECT_TRUE(sj.contains(k)) << k;
  EXPECT_DOUBLE_EQ(sj["lat"].get<double>(), 22.543);
  EXPECT_DOUBLE_EQ(sj["lon"].get<double>(), 114.058);
  EXPECT_EQ(sj["slots"], 8);
  EXPECT_EQ(sj["power_cap_w"], 4000);
  EXPECT_EQ(sj["enabled"], true);
  EXPECT_EQ(sj["agent_id"], "AG-SZ");
  EXPECT_EQ(sj["online"], false);
  EXPECT_TRUE(sj["last_seen"].is_null());
  EXPECT_EQ(sj["free_slots"], 8);
  EXPECT_EQ(sj["ready_packs"], json::object());
  EXPECT_EQ(sj["pending_changes"], json::array());
  ASSERT_TRUE(sj["slot_list"].is_array());
  ASSERT_EQ(sj["slot_list"].size(), 8u);
  for (const auto& k : {"index", "state", "disabled", "door_open", "battery_sn", "model_id", "soc", "charge_power_w"})
    EXPECT_TRUE(sj["slot_list"][0].contains(k)) << k;
  EXPECT_EQ(sj["slot_list"][0]["index"], 1);
  EXPECT_EQ(sj["slot_list"][0]["state"], "empty");

  auto online = ok_json({"station", "show", "SZ-0002"});
  EXPECT_EQ(online["online"], true);
  EXPECT_EQ(online["last_seen"], "2026-11-23T09:59:00Z");
  EXPECT_EQ(online["agent_id"], nullptr);
  EXPECT_EQ(online["slot_list"][0]["battery_sn"], "SZ-0002-P1");
  EXPECT_EQ(online["slot_list"][0]["state"], "ready");

  auto text = ok({"station", "list"});
  auto at = text.find("\nSZ-0002 ");
  ASSERT_NE(at, std::string::npos) << text;
  const auto line = text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  for (const char* cell : {"Nanshan Market", " online ", "2026-11-23T09:59:00Z", " 12 ", " 11 ", " 60V:1 "})
    EXPECT_NE(line.find(cell), std::string::npos) << cell << " not in: " << line;
}

TEST_F(station_test, GlobalOptionsMayFollowTheSubcommand) {
  auto r = sw({"admin", "station", "list", "--json", "--db", db_.string(), "--now", now_text});
  EXPECT_EQ(r.code, 0) << describe(r);
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_array()) << r.out;
  EXPECT_EQ(j.size(), 3u);
  auto add = sw({"admin", "station", "add", "SZ-0003", "--no-password", "--name", "Late", "--lat", "1", "--lon", "1",
                 "--db", db_.string(), "--now", "2026-11-24T08:00:00Z"});
  EXPECT_EQ(add.code, 0) << describe(add);
  EXPECT_EQ(store().station("SZ-0003")->created_at, *parse_instant("2026-11-24T08:00:00Z"));
}

TEST_F(station_test, AgentAssignAndList) {
  ok({"agent", "add", "AG-2", "--name", "Zhang Min", "--region", "Shenzhen"});
  ok({"agent", "assign", "AG-2", "SZ-0002"});
  EXPECT_EQ(store().station("SZ-0002")->agent_id, "AG-2");
  auto j = ok_json({"agent", "list"});
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  for (const auto& a : j)
    for (const auto& k : {"id", "name", "region", "phone", "lat", "lon", "state", "stations", "open_alerts"})
      EXPECT_TRUE(a.contains(k)) << k << " in " << a.dump();
  for (const auto& a : j) {
    if (a["id"] == "AG-SZ") {
      EXPECT_EQ(a["stations"], json::parse(R"(["SZ-0001"])"));
    } else {
      EXPECT_EQ(a["stations"], json::parse(R"(["SZ-0002"])"));
    }
  }
  EXPECT_ONE_LINE_ERROR(admin({"agent", "assign", "AG-9", "SZ-0001"}), "agent.unknown");
  EXPECT_ONE_LINE_ERROR(admin({"agent", "assign", "AG-2", "SZ-9999"}), "station.unknown");
  EXPECT_ONE_LINE_ERROR(admin({"agent", "add", "AG-2", "--name", "Again", "--region", "X"}), "agent.duplicate");
  EXPECT_EQ(store().station("SZ-0001")->agent_id, "AG-SZ");
}

// Names come from the command line as bytes; one that is not UTF-8 (Latin-1 "Café") is stored, after
// which every --json listing fails with a JSON library exception instead of printing JSON.
TEST_F(station_test, NameThatIsNotUtf8DoesNotBreakJsonOutput) {
  auto r = admin({"station", "rename", "SZ-0002", "Caf\xe9"});
  if (r.code != 0) {
    EXPECT_ONE_LINE_ERROR(r, "input.invalid");
  }
  auto list = admin({"station", "list", "--json"});
  EXPECT_EQ(list.code, 0) << describe(list);
  EXPECT_FALSE(json::parse(list.out, nullptr, false).is_discarded()) << describe(list);
  auto rider = admin({"rider", "add", "R9", "--name", "Jos\xe9", "--country", "CN"});
  auto riders = admin({"rider", "list", "--json"});
  EXPECT_EQ(riders.code, 0) << describe(rider) << describe(riders);
}

// ---- live cabinets: registration, passwords, slots in service ----------------------------------

TEST_F(station_test, AcceptAndRejectAPendingCabinet) {
  {
    auto db = store();
    ASSERT_TRUE(db.add_pending_station("CAB-NEW", "fw-9", twin::from_ms(1795392000000)));
  }
  auto pending = ok({"station", "list", "--pending"});
  EXPECT_NE(pending.find("CAB-NEW"), std::string::npos) << pending;
  EXPECT_NE(pending.find("pending"), std::string::npos) << pending;
  EXPECT_EQ(pending.find("SZ-0001"), std::string::npos) << "only pending cabinets: " << pending;
  EXPECT_EQ(ok_json({"station", "show", "CAB-NEW"})["registration"], "pending");

  EXPECT_EQ(ok({"station", "accept", "CAB-NEW"}),
            "station CAB-NEW accepted: its cabinet is accepted at its next boot\n"
            "station CAB-NEW has no password and is not marked --no-password: its cabinet is refused at the upgrade "
            "(HTTP 401) until it has a credential: `swaptwin admin station set-password CAB-NEW --password P` (or "
            "--generate), or `... CAB-NEW --no-password` to admit it without credentials\n");
  EXPECT_EQ(store().station("CAB-NEW")->reg, registration::accepted);
  EXPECT_EQ(ok({"station", "list", "--pending"}).find("CAB-NEW"), std::string::npos);
  EXPECT_EQ(ok({"station", "reject", "CAB-NEW"}), "station CAB-NEW rejected: its cabinet is refused at every boot\n");
  EXPECT_EQ(store().station("CAB-NEW")->reg, registration::rejected);
  EXPECT_NE(ok({"station", "show", "CAB-NEW"}).find("registered  rejected"), std::string::npos);
}

TEST_F(station_test, SetPasswordStoresOnlyAHashThatVerifies) {
  EXPECT_EQ(ok({"station", "set-password", "SZ-0001", "--password", "cabinet-secret-0001"}),
            "station SZ-0001 password set\n");
  auto hash = store().station_password_hash("SZ-0001");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->find("cabinet-secret"), std::string::npos);
  EXPECT_TRUE(adapters::verify_password("cabinet-secret-0001", *hash));
  EXPECT_FALSE(adapters::verify_password("cabinet-secret-0002", *hash));
  // --generate prints the new password once; it is the one that verifies now.
  auto out = ok({"station", "set-password", "SZ-0001", "--generate"});
  const std::string prefix = "station SZ-0001 password set: ";
  ASSERT_EQ(out.rfind(prefix, 0), 0u) << out;
  const auto generated = out.substr(prefix.size(), 24);
  EXPECT_TRUE(adapters::verify_password(generated, *store().station_password_hash("SZ-0001")));
  EXPECT_FALSE(adapters::verify_password("cabinet-secret-0001", *store().station_password_hash("SZ-0001")));
}

// Issue 11: a cabinet is admitted without credentials only when the operator said so.
TEST_F(station_test, AddRefusesWithoutSayingHowTheCabinetIsAdmitted) {
  const auto before = snapshot();
  auto r = admin({"station", "add", "SZ-0009", "--name", "Depot", "--lat", "1", "--lon", "2"});
  EXPECT_ONE_LINE_ERROR(r, "input.invalid");
  EXPECT_EQ(r.err,
            "swaptwin: input.invalid: station SZ-0009: say how its cabinet is admitted: --password P (16 to 40 "
            "characters), --generate, or --no-password (it connects without credentials)\n");
  EXPECT_EQ(changes_since(before), "");
  auto pw = ok({"station", "add", "SZ-0009", "--name", "Depot", "--lat", "1", "--lon", "2", "--password",
                "cabinet-secret-0009"});
  EXPECT_EQ(pw, "station SZ-0009 added: \"Depot\", 12 slots, password set\n");
  EXPECT_TRUE(adapters::verify_password("cabinet-secret-0009", *store().station_password_hash("SZ-0009")));
  auto gen = ok({"station", "add", "SZ-0010", "--name", "Yard", "--lat", "1", "--lon", "2", "--generate"});
  const std::string prefix = "station SZ-0010 added: \"Yard\", 12 slots, password set: ";
  ASSERT_EQ(gen.rfind(prefix, 0), 0u) << gen;
  EXPECT_TRUE(adapters::verify_password(gen.substr(prefix.size(), 24), *store().station_password_hash("SZ-0010")));
  EXPECT_EQ(store().credential_of("SZ-0002"), adapters::station_credential::none);  // added with --no-password
}

TEST_F(station_test, ListAndShowTheCredentialModeAndSetPasswordChangesIt) {
  ok({"station", "set-password", "SZ-0001", "--password", "cabinet-secret-0001"});
  {  // as a database from before migration 8 holds a station: no password, not marked
    auto db = store();
    ASSERT_TRUE(db.add_pending_station("CAB-OLD", "", twin::from_ms(0)));
    ASSERT_TRUE(db.set_registration("CAB-OLD", registration::accepted));
  }
  auto list = ok({"station", "list"});
  EXPECT_NE(list.find("CREDENTIAL"), std::string::npos) << list;
  auto row = [&](const std::string& sn) {
    const auto at = list.find("\n" + sn + " ");
    return at == std::string::npos ? std::string{} : list.substr(at + 1, list.find('\n', at + 1) - at - 1);
  };
  EXPECT_EQ(row("SZ-0001").substr(row("SZ-0001").size() - 8), "password") << list;
  EXPECT_EQ(row("SZ-0002").substr(row("SZ-0002").size() - 4), "none") << list;
  EXPECT_EQ(row("CAB-OLD").substr(row("CAB-OLD").size() - 7), "missing") << list;
  std::map<std::string, std::string> modes;
  for (const auto& s : ok_json({"station", "list"})) modes[s["sn"]] = s["credential"];
  EXPECT_EQ(modes, (std::map<std::string, std::string>{
                       {"CAB-OLD", "missing"}, {"NBO-0001", "none"}, {"SZ-0001", "password"}, {"SZ-0002", "none"}}));
  auto missing = ok_json({"station", "list", "--credential", "missing"});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0]["sn"], "CAB-OLD");
  EXPECT_NE(ok({"station", "show", "CAB-OLD"}).find("  credential  MISSING: refused once accepted"), std::string::npos);
  EXPECT_EQ(ok_json({"station", "show", "SZ-0001"})["credential"], "password");

  // --no-password is an explicit choice, and removes the password; a password removes the mark.
  EXPECT_EQ(ok({"station", "set-password", "SZ-0001", "--no-password"}),
            "station SZ-0001 no password: its cabinet is admitted without credentials (--no-password)\n");
  EXPECT_EQ(store().station_password_hash("SZ-0001"), std::optional<std::string>{""});
  EXPECT_EQ(store().credential_of("SZ-0001"), adapters::station_credential::none);
  EXPECT_EQ(ok({"station", "set-password", "SZ-0001", "--password", "cabinet-secret-0002"}),
            "station SZ-0001 password set\n");
  EXPECT_EQ(store().credential_of("SZ-0001"), adapters::station_credential::password);
  EXPECT_ONE_LINE_ERROR(admin({"station", "set-password", "SZ-0001"}), "input.invalid");
  EXPECT_ONE_LINE_ERROR(admin({"station", "set-password", "XX-404", "--no-password"}), "station.unknown");
}

TEST_F(station_test, AcceptCanSayHowTheCabinetIsAdmitted) {
  {
    auto db = store();
    ASSERT_TRUE(db.add_pending_station("CAB-A", "fw-9", twin::from_ms(0)));
    ASSERT_TRUE(db.add_pending_station("CAB-B", "fw-9", twin::from_ms(0)));
  }
  EXPECT_EQ(ok({"station", "accept", "CAB-A", "--no-password"}),
            "station CAB-A accepted: its cabinet is accepted at its next boot\n"
            "station CAB-A no password: its cabinet is admitted without credentials (--no-password)\n");
  EXPECT_EQ(ok({"station", "accept", "CAB-B", "--password", "cabinet-secret-000B"}),
            "station CAB-B accepted: its cabinet is accepted at its next boot\nstation CAB-B password set\n");
  EXPECT_EQ(store().credential_of("CAB-A"), adapters::station_credential::none);
  EXPECT_EQ(store().credential_of("CAB-B"), adapters::station_credential::password);
  // A bad password changes nothing, registration included.
  EXPECT_ONE_LINE_ERROR(admin({"station", "accept", "CAB-NEW", "--password", "short"}), "input.invalid");
}

TEST_F(station_test, DisableAndEnableASlotIsDesiredStateToPush) {
  EXPECT_EQ(ok({"station", "disable-slot", "SZ-0001", "3"}),
            "station SZ-0001 slot 3 disabled (pushed to the cabinet when it is online)\n");
  auto s = store().station("SZ-0001");
  EXPECT_EQ(s->desired.disabled_slots, (std::vector<int>{3}));
  EXPECT_TRUE(slot_disabled(*s, 3));
  auto j = ok_json({"station", "show", "SZ-0001"});
  EXPECT_EQ(j["pending_changes"], json::parse(R"([{"field": "slot.3.enabled", "value": "false"}])"));
  ok({"station", "disable-slot", "SZ-0001", "3"});  // twice: still one entry
  EXPECT_EQ(store().station("SZ-0001")->desired.disabled_slots, (std::vector<int>{3}));
  EXPECT_EQ(ok({"station", "enable-slot", "SZ-0001", "3"}), "station SZ-0001 slot 3 enabled\n");
  EXPECT_TRUE(store().station("SZ-0001")->desired.disabled_slots.empty());
}

}  // namespace
}  // namespace swaptwin::apptest
