// libFuzzer target: the raw bytes of one HTTP request to the operator API, as api_server.cpp reads
// and answers it: handle_raw_api_request (adapters/api_request.hpp), the server's own socket-free
// entry point: the same request reader and limits (413, 414, 431, 400), then the routes, tokens,
// roles, reads and audited actions, on a fresh copy of a small back office.
//
// Each input starts from the same database (a template copied over the working file whenever the
// last input wrote to it), so a crash reproduces from its input alone. The three tokens have fixed
// secrets (bearers below, also in api_request.dict) so that inputs carry valid credentials of each
// role.
//
// Properties beyond ASan/UBSan (a breach aborts): every answer has an HTTP status and a JSON body,
// and a 500 never shows SQL. With SWAPTWIN_FUZZ_STRICT=1 any 500 aborts too: a way to look for
// them, not part of the acceptance runs (a 500 is an answer).
#include <openssl/evp.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "adapters/api_request.hpp"
#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "twin/station.hpp"
#include "twin/work_order.hpp"

namespace {

namespace fs = std::filesystem;
using namespace swaptwin;
using adapters::role;

struct fixed_token {
  const char* id;
  const char* secret;  // 43 base64url characters, as store::authenticate requires
  role granted;
};
// Bearer = id "." secret: tok_0000000000a1.VVVV... (viewer), ...b2.OOOO... (operator), ...c3.AAAA... (admin).
constexpr fixed_token tokens[] = {
    {"tok_0000000000a1", "VVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVVV", role::viewer},
    {"tok_0000000000b2", "OOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOOO", role::operator_},
    {"tok_0000000000c3", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", role::admin},
};

[[noreturn]] void broken(const char* what, std::string_view detail) {
  std::fprintf(stderr, "API property broken: %s\n  %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

std::string sha256_hex(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1) broken("SHA-256 failed", text);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) (out += digits[md[i] >> 4]) += digits[md[i] & 15];
  return out;
}

adapters::store_options fast_options() {
  adapters::store_options o;
  o.synchronous = "OFF";  // a scratch copy: durability buys nothing here
  o.cache_kib = 2048;
  return o;
}

// The back office every input starts from: a station with packs, a pending one, a verified and a
// pending rider, an agent, an open work order (1) and an assigned one (2), a plan and a deposit,
// one token of each role.
void seed(const std::string& path, twin::unix_ms now) {
  adapters::store db{path, fast_options()};
  twin::country_policy cn;
  cn.country = "CN";
  cn.currency = "CNY";
  cn.kyc_documents = {"national_id", "selfie"};
  cn.min_age_years = 18;
  cn.tax_rate_bp = 1300;
  bool ok = db.set_country(cn).ok();
  twin::plan month;
  month.id = "month-60";
  month.name = "Monthly 60 swaps";
  month.kind = twin::plan_kind::period;
  month.currency = "CNY";
  month.price_minor = 29900;
  month.period = twin::period_unit::month;
  month.swap_cap = 60;
  ok = ok && db.add_plan(month).ok() && db.set_deposit("60V", twin::money{30000, "CNY"}).ok();
  twin::agent a;
  a.id = "A-1";
  a.name = "Agent One";
  a.region = "Nanshan";
  ok = ok && db.add_agent(a).ok();
  auto s = twin::make_station("SN-1", "Depot", twin::geo_point{22.53, 113.93}, 4, 6000, now);
  s.link.online = true;
  s.link.last_seen = now;
  s.slots[0] = twin::slot{1, twin::slot_state::ready, false, "P-1", "60V", 1.0, 0};
  s.slots[2] = twin::slot{3, twin::slot_state::charging, false, "P-3", "60V", 0.4, 800};
  ok = ok && db.add_station(s).ok() && db.add_pending_station("SN-NEW", "fw-1.0", now).ok();
  for (const char* sn : {"P-1", "P-3"}) {
    twin::battery b;
    b.sn = sn;
    b.model_id = "60V";
    b.soc = 0.8;
    ok = ok && db.add_battery(b).ok();
  }
  twin::rider r;
  r.id = "R-1";
  r.name = "Rider One";
  r.country = "CN";
  r.phone = "+8613800000000";
  r.birth_date = twin::parse_date("1990-05-17");
  r.kyc = twin::kyc_status::verified;
  r.kyc_documents = {"national_id", "selfie"};
  r.created_at = now;
  ok = ok && db.add_rider(r).ok();
  r.id = "R-2";
  r.kyc = twin::kyc_status::pending;
  ok = ok && db.add_rider(r).ok();
  if (!ok) broken("seeding the template database failed", path);
  db.add_work_order(twin::open_work_order(0, "SN-1", twin::alert_kind::station_offline, 0, now));
  auto assigned = twin::open_work_order(0, "SN-1", twin::alert_kind::slot_fault, 2, now);  // work order 2
  if (!twin::advance(assigned, twin::wo_state::assigned, now, "A-1").ok()) broken("assigning work order 2 failed", {});
  db.add_work_order(assigned);
  db.set_setting("timezone", "Asia/Shanghai");
  for (const auto& t : tokens) {
    const auto issued = db.add_token(std::string{to_string(t.granted)} + "-fuzz", t.granted, now);
    if (!issued.ok()) broken("adding a token failed", t.id);
    db.db().prepare("UPDATE api_tokens SET id = ?, secret_hash = ? WHERE id = ?")
        ->bind_all(std::string{t.id}, "sha256$" + sha256_hex(t.secret), issued->id)
        .run();
  }
  db.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

constexpr std::string_view scratch_prefix = "swaptwin-fuzz-api-";

// A run that ends in a finding (or a -fork job that does) never reaches ~fixture, and its scratch
// directory would stay in /dev/shm, i.e. in memory (1,292 of them, 495 MB, after this branch's runs):
// each start removes those whose process (the pid in the name) is gone.
void remove_stale(const fs::path& base) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(base, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, scratch_prefix.size(), scratch_prefix) != 0) continue;
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + scratch_prefix.size(), &end, 10);
    if (pid <= 0 || *end != '-') continue;
    std::error_code ignored;
    if (kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH) fs::remove_all(entry.path(), ignored);
  }
}

// What the fuzzer keeps between inputs: the template and the working copy, in a scratch directory,
// and the connection to the copy.
struct fixture {
  fs::path dir, template_db, work_db;
  twin::unix_ms now = *twin::parse_instant("2026-11-23T08:30:00Z");
  std::optional<adapters::store> db;

  fixture() {
    const fs::path base = fs::is_directory("/dev/shm") ? fs::path{"/dev/shm"} : fs::temp_directory_path();
    remove_stale(base);
    std::string name = (base / (std::string{scratch_prefix} + std::to_string(getpid()) + "-XXXXXX")).string();
    if (mkdtemp(name.data()) == nullptr) broken("cannot create a scratch directory under", base.string());
    dir = name;
    template_db = dir / "template.db";
    work_db = dir / "work.db";
    seed(template_db.string(), now);
  }
  ~fixture() {
    db.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  // The database as the template has it. Most inputs change nothing (refused, or reads), and then
  // the open connection is kept: reopening costs more than the request. Any row written (even
  // rolled back) or a transaction left open means a fresh copy and a new connection.
  adapters::store& fresh() {
    if (db) {
      sqlite3* h = db->db().handle();
      if (sqlite3_total_changes(h) == 0 && sqlite3_get_autocommit(h) != 0) return *db;
      db.reset();  // closing checkpoints the WAL away
    }
    std::error_code ec;
    // libFuzzer's timer signal (-timeout) can interrupt the copy (EINTR): copy again.
    for (int attempt = 0; attempt == 0 || (ec == std::errc::interrupted && attempt < 10); ++attempt)
      fs::copy_file(template_db, work_db, fs::copy_options::overwrite_existing, ec);
    if (ec) broken("cannot copy the template database", ec.message());
    return db.emplace(work_db.string(), fast_options());
  }
};

// One request through the server's own socket-free entry point (adapters/api_request.hpp):
// handle_raw_api_request parses `raw` with the same request_reader, limits and refusals the
// api_server uses on its sockets, then routes, authenticates and answers it. Returns the body.
std::optional<std::string> serve_one(adapters::store& db, std::string_view raw, twin::unix_ms now) {
  const auto out = adapters::handle_raw_api_request(db, raw, now, {}, [](const std::string&) {});
  const std::string shown = std::to_string(out.status) + " " + out.body;
  if (out.status < 100 || out.status > 599) broken("the status is not an HTTP status", shown);
  if (!nlohmann::json::accept(out.body)) broken("the body is not JSON", shown);
  if (out.status >= 500) {
    if (out.body.find("SELECT") != std::string::npos || out.body.find("INSERT") != std::string::npos)
      broken("a 500 shows SQL", shown);
    if (std::getenv("SWAPTWIN_FUZZ_STRICT") != nullptr) broken("a 500", shown);
  }
  return out.body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // libFuzzer's C interface leaves no other place for state that lives across inputs.
  static fixture fx;
  const auto response = serve_one(fx.fresh(), {reinterpret_cast<const char*>(data), size}, fx.now);
  // To check what a seed reaches: SWAPTWIN_FUZZ_VERBOSE=1 build-fuzz/fuzz_api_request FILE...
  if (std::getenv("SWAPTWIN_FUZZ_VERBOSE") != nullptr)
    std::fprintf(stderr, "%s\n", response ? response->c_str() : "(connection closed, no answer)");
  return 0;
}
