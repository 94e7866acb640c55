#pragma once
/// journal.bin: a run's inputs (the scenario text, seed, days) and every event it produced, as
/// length-delimited `swaptwin.v1.JournalRecord` messages (proto/swaptwin/v1/journal.proto).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "twin/errors.hpp"

namespace swaptwin::scenarios {

/// The journal's header: what the run started from.
struct journal_header {
  std::uint32_t format_version = 1;
  std::string scenario_name, scenario_digest, scenario_file, scenario_text;
  std::uint64_t seed = 0;
  double days = 0;
};

/// A whole journal.
struct journal_contents {
  journal_header header;
  std::vector<actors::sim_event> events;
  std::string final_digest;
};

/// Writes a journal as the run goes: the header first, each event as it happens, the footer at the
/// end. The bytes are those of write_journal with the same contents.
class journal_writer {
 public:
  journal_writer();
  ~journal_writer();
  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;

  /// Creates (replaces) `path` and writes the header.
  twin::status open(const std::string& path, const journal_header& h);
  /// Appends one event (ignored when not open; a write error shows in finish()).
  void add(const actors::sim_event& e);
  /// Writes the footer (event count, final state digest) and closes the file.
  twin::status finish(const std::string& final_digest);
  /// Events written so far.
  std::uint64_t events() const noexcept { return events_; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::string path_;
  std::uint64_t events_ = 0;
};

/// Writes `j` to `path` (replacing it). Same contents, same bytes.
twin::status write_journal(const std::string& path, const journal_contents& j);

/// Reads a journal; a truncated or foreign file is refused with a message naming the record.
twin::result<journal_contents> read_journal(const std::string& path);

}  // namespace swaptwin::scenarios
