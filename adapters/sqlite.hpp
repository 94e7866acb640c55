#pragma once
/// A thin RAII layer over the SQLite C API: a connection with a prepared-statement cache,
/// statements with typed binds and columns, and transactions that roll back unless committed.
/// Only the store uses it; nothing else touches SQLite.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace swaptwin::adapters::sql {

/// A SQLite failure (I/O, corruption, a constraint we did not expect). Carries SQLite's message.
class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A prepared statement. Bind indices are 1-based, column indices 0-based (as in SQLite).
class statement {
 public:
  statement(sqlite3* db, std::string_view sql);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  /// Binds a value to parameter `i`.
  statement& bind(int i, std::int64_t v);
  statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  statement& bind(int i, double v);
  statement& bind(int i, std::string_view v);
  statement& bind(int i, const char* v) { return bind(i, std::string_view{v}); }
  statement& bind(int i, const std::string& v) { return bind(i, std::string_view{v}); }
  statement& bind_null(int i);
  /// Binds the value or NULL.
  template <class T>
  statement& bind(int i, const std::optional<T>& v) { return v ? bind(i, *v) : bind_null(i); }

  /// Binds all arguments to parameters 1..n.
  template <class... Ts>
  statement& bind_all(const Ts&... vs) {
    int i = 0;
    (bind(++i, vs), ...);
    return *this;
  }

  /// Advances; true when a row is available.
  bool step();
  /// Runs a statement that returns no rows, then resets it.
  void run();
  /// Resets for re-execution and clears the binds.
  void reset();

  std::int64_t int64(int col) const;
  int integer(int col) const { return static_cast<int>(int64(col)); }
  double real(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// A cached statement in use: resets it (ending any implicit read transaction) when it goes out
/// of scope. Use as `auto q = db.prepare(sql); q->bind_all(...); while (q->step()) ...`.
class cursor {
 public:
  explicit cursor(statement& st) : st_(&st) {}
  ~cursor() {
    if (st_) st_->reset();
  }
  cursor(cursor&& o) noexcept : st_(o.st_) { o.st_ = nullptr; }
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;
  cursor& operator=(cursor&&) = delete;
  statement* operator->() const { return st_; }
  statement& operator*() const { return *st_; }

 private:
  statement* st_;
};

/// A connection. Statements prepared through `prepare` are cached by their SQL text.
class database {
 public:
  /// Opens (creating if `create`) the file at `path`.
  database(const std::string& path, bool create);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  /// Runs one or more statements without results (DDL, PRAGMA).
  void exec(std::string_view sql);
  /// A cached prepared statement, reset and with cleared binds, reset again when the cursor ends.
  cursor prepare(const std::string& sql);
  /// Rows changed by the last statement.
  int changes() const;
  /// Rowid of the last insert.
  std::int64_t last_insert_rowid() const;
  /// The single integer a query returns (0 when no row).
  std::int64_t scalar(const std::string& sql);
  /// True while a transaction is open.
  bool in_transaction() const;
  /// The raw handle, for the rare call this wrapper lacks.
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<statement>> cache_;
};

/// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless `commit()` was called.
/// Inside another transaction it is a SAVEPOINT instead: its commit releases the savepoint (the
/// outer transaction decides durability) and its destruction without commit undoes only its own
/// writes. Group commit relies on this: many operations, each all-or-nothing, one COMMIT.
class transaction {
 public:
  explicit transaction(database& db);
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  /// Makes everything since construction durable.
  void commit();

 private:
  database& db_;
  bool done_ = false;
  bool nested_ = false;
};

}  // namespace swaptwin::adapters::sql
