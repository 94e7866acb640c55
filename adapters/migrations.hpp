#pragma once
/// Numbered schema migrations of the back-office database. The schema version lives in
/// `PRAGMA user_version`; opening a database applies every migration above it, each in its own
/// transaction. Migrations are never edited once released: changes come as new numbers.

#include <string_view>
#include <vector>

namespace swaptwin::adapters {

namespace sql { class database; }

/// One migration: its number (1, 2, ...), a short name, and its SQL.
struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// Every migration, in order.
const std::vector<migration>& migrations();

/// The version a fully migrated database has.
int latest_schema_version();

/// The database's current version (0 for a new file).
int schema_version(sql::database& db);

/// Applies migrations above the current version up to `target` (default: all). Returns how many
/// ran. Refuses (store_error) a database newer than this program knows.
int migrate(sql::database& db, int target = -1);

}  // namespace swaptwin::adapters
