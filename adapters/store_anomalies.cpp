// The store's custody anomalies (store.hpp): open, list, close.
#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "twin/text.hpp"

namespace swaptwin::adapters {

using namespace twin;

std::int64_t store::open_anomaly(const anomaly& a) {
  sql::transaction tx{*db_};
  db_->prepare("INSERT INTO anomalies (kind, station_sn, rider_id, pack_sn, detail, opened_at_ms) VALUES (?, ?, ?, ?, ?, ?)")
      ->bind_all(a.kind, a.station_sn, a.rider_id, a.pack_sn, a.detail, to_ms(a.opened_at))
      .run();
  const auto id = db_->scalar("SELECT last_insert_rowid()");
  tx.commit();
  return id;
}

std::vector<anomaly> store::anomalies(bool open_only) {
  std::vector<anomaly> out;
  auto q = db_->prepare(
      "SELECT id, kind, station_sn, rider_id, pack_sn, detail, opened_at_ms, closed_at_ms, closed_note FROM anomalies "
      "WHERE ?1 = 0 OR closed_at_ms IS NULL ORDER BY opened_at_ms, id");
  q->bind(1, open_only ? 1 : 0);
  while (q->step()) {
    anomaly a;
    a.id = q->int64(0);
    a.kind = q->text(1);
    a.station_sn = q->text(2);
    a.rider_id = q->text(3);
    a.pack_sn = q->text(4);
    a.detail = q->text(5);
    a.opened_at = from_ms(q->int64(6));
    if (!q->is_null(7)) a.closed_at = from_ms(q->int64(7));
    a.closed_note = q->text(8);
    out.push_back(std::move(a));
  }
  return out;
}

status store::close_anomaly(std::int64_t id, unix_ms at, const std::string& note) {
  auto clean = clean_name(note, "the note", errc::invalid_argument, 500);
  if (!clean) return clean.err();
  sql::transaction tx{*db_};
  db_->prepare("UPDATE anomalies SET closed_at_ms = ?, closed_note = ? WHERE id = ? AND closed_at_ms IS NULL")
      ->bind_all(to_ms(at), *clean, id)
      .run();
  if (db_->changes() == 0)
    return error{errc::invalid_argument, "anomaly " + std::to_string(id) + " is not open (see admin anomaly list)"};
  tx.commit();
  return done{};
}

}  // namespace swaptwin::adapters
