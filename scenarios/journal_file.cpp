#include "scenarios/journal_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>

#include "swaptwin/v1/journal.pb.h"

namespace swaptwin::scenarios {

namespace {
twin::error io_error(const std::string& what, const std::string& path) {
  return twin::error{twin::errc::invalid_argument, what + " " + path + ": " + std::strerror(errno)};
}
}  // namespace

struct journal_writer::impl {
  std::ofstream os;
  v1::JournalRecord rec;  // reused: one record's buffers for every event
};

journal_writer::journal_writer() = default;
journal_writer::~journal_writer() = default;

twin::status journal_writer::open(const std::string& path, const journal_header& hd) {
  impl_ = std::make_unique<impl>();
  path_ = path;
  events_ = 0;
  impl_->os.open(path, std::ios::binary | std::ios::trunc);
  if (!impl_->os) return io_error("cannot write", path);
  auto& rec = impl_->rec;
  auto* h = rec.mutable_header();
  h->set_format_version(hd.format_version);
  h->set_scenario_name(hd.scenario_name);
  h->set_scenario_digest(hd.scenario_digest);
  h->set_seed(hd.seed);
  h->set_days(hd.days);
  h->set_scenario_file(hd.scenario_file);
  h->set_scenario_text(hd.scenario_text);
  google::protobuf::util::SerializeDelimitedToOstream(rec, &impl_->os);
  return twin::done{};
}

void journal_writer::add(const actors::sim_event& e) {
  if (!impl_) return;
  auto& rec = impl_->rec;
  rec.Clear();
  auto* ev = rec.mutable_event();
  ev->set_at_ms(e.at_ms);
  ev->set_kind(e.kind);
  ev->set_station_sn(e.station_sn);
  ev->set_rider_id(e.rider_id);
  ev->set_code(e.code);
  ev->set_value(e.value);
  ev->set_value2(e.value2);
  ev->set_text(e.text);
  google::protobuf::util::SerializeDelimitedToOstream(rec, &impl_->os);
  ++events_;
}

twin::status journal_writer::finish(const std::string& final_digest) {
  if (!impl_) return twin::error{twin::errc::invalid_argument, "journal " + path_ + " was not opened"};
  auto& rec = impl_->rec;
  rec.Clear();
  rec.mutable_footer()->set_events(events_);
  rec.mutable_footer()->set_final_state_digest(final_digest);
  google::protobuf::util::SerializeDelimitedToOstream(rec, &impl_->os);
  impl_->os.flush();
  const bool ok = static_cast<bool>(impl_->os);
  impl_.reset();
  if (!ok) return io_error("cannot write", path_);
  return twin::done{};
}

twin::status write_journal(const std::string& path, const journal_contents& j) {
  journal_writer w;
  if (auto s = w.open(path, j.header); !s) return s;
  for (const auto& e : j.events) w.add(e);
  return w.finish(j.final_digest);
}

twin::result<journal_contents> read_journal(const std::string& path) {
  std::ifstream is{path, std::ios::binary};
  if (!is) return io_error("cannot read", path);
  google::protobuf::io::IstreamInputStream in{&is};
  journal_contents j;
  v1::JournalRecord rec;
  bool clean_eof = false;
  std::size_t n = 0;
  auto bad = [&](const std::string& why) {
    return twin::error{twin::errc::invalid_argument, path + ": record " + std::to_string(n) + ": " + why};
  };
  if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&rec, &in, &clean_eof) || !rec.has_header())
    return bad("not a swaptwin journal (no header)");
  const auto& h = rec.header();
  if (h.format_version() != 1) return bad("journal format " + std::to_string(h.format_version()) + " is not supported");
  j.header = journal_header{h.format_version(), h.scenario_name(), h.scenario_digest(), h.scenario_file(),
                            h.scenario_text(), h.seed(), h.days()};
  for (;;) {
    ++n;
    rec.Clear();
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&rec, &in, &clean_eof))
      return bad(clean_eof ? "the journal ends without its footer (truncated?)" : "unreadable record");
    if (rec.has_footer()) {
      if (rec.footer().events() != j.events.size()) return bad("footer counts a different number of events");
      j.final_digest = rec.footer().final_state_digest();
      return j;
    }
    if (!rec.has_event()) return bad("expected an event");
    const auto& e = rec.event();
    j.events.push_back(actors::sim_event{e.at_ms(), e.kind(), e.station_sn(), e.rider_id(), e.code(), e.value(),
                                         e.value2(), e.text()});
  }
}

}  // namespace swaptwin::scenarios
