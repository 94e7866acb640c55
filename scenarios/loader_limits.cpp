// The first loader step: bounds on what a file can make big, checked on the parsed message before
// any other step copies, expands or cross-checks anything. Every list has a most entries, every
// text a most characters (found by walking the message's fields, so a field added to the proto is
// bounded without a change here), and the riders and slots of all populations and stations have a
// most in all. The file's size is bounded before it is read (loader.cpp); rates, durations and
// other numbers are bounded where each is read (loader_catalogue/network/demand.cpp); the run's
// projected size at the end (loader_projection.cpp). scenarios/README.md says why each limit is what it is.
#include <algorithm>

#include "scenarios/loader_internal.hpp"

namespace swaptwin::scenarios::detail {
namespace {

// The most entries of a repeated field, and what to do with more.
struct list_limit {
  std::string_view field;  // "Message.field"
  int max;
  std::string_view advice;
};

constexpr std::string_view split_network = "split the network into regions, one scenario each";

constexpr list_limit list_limits[] = {
    {"Scenario.models", 100, "a network runs a handful of pack models"},
    {"Scenario.countries", 250, "ISO 3166 has 249 country codes"},
    {"Scenario.plans", 1000, "keep the plans riders are offered"},
    {"Scenario.deposits", 1000, "one per pack model and currency"},
    {"Scenario.stations", 20000, split_network},
    {"Scenario.populations", 1000, "a population is a group of riders who behave alike, not a rider"},
    {"Scenario.agents", 10000, split_network},
    {"Scenario.faults", 10000, "use rate_per_station_day for random faults instead of listing each"},
    {"Country.kyc_documents", 20, "list the documents KYC asks for"},
    {"Station.packs", limit::slots, "one pack per slot"},
    {"Station.fill", limit::slots, "one fill can place every pack of a model"},
    {"Population.plan_mix", 1000, "one entry per plan"},
};

// Repeated fields the table does not name (none today) get the largest limit of the table.
const list_limit& list_limit_of(const pb::FieldDescriptor* f) {
  static constexpr list_limit fallback{"", 20000, split_network};
  const std::string key = f->containing_type()->name() + "." + f->name();
  for (const auto& l : list_limits)
    if (l.field == key) return l;
  return fallback;
}

// The most characters of a text field: names are prose, SNs follow OCPP, every other text is an
// id, a code, a kind, an instant or money.
std::size_t text_limit_of(const pb::FieldDescriptor* f) {
  const std::string& type = f->containing_type()->name();
  if (f->name() == "sn") return limit::sn_chars;
  if (f->name() == "name") return type == "Population" ? limit::population_name_chars : limit::name_chars;
  return limit::id_chars;
}

class walker {
 public:
  explicit walker(error_sink& sink) : sink_(sink) {}

  void message(const node& n, const pb::Message& m) {
    const auto* d = m.GetDescriptor();
    const auto* r = m.GetReflection();
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* f = d->field(i);
      const bool text = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING;
      const bool nested = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
      if (!f->is_repeated()) {
        if (text) check_text(n, f, r->GetStringReference(m, f, &scratch_), -1);
        else if (nested && r->HasField(m, f)) message(n.child(f->name()), r->GetMessage(m, f));
        continue;
      }
      const int size = r->FieldSize(m, f);
      const auto& l = list_limit_of(f);
      if (size > l.max) {
        // At the first entry over the limit; its entries are not looked at (there may be millions).
        sink_.add(n.line_of(f->name(), l.max), twin::errc::invalid_argument, n.path_of(f->name()),
                  std::to_string(size) + " entries (expected at most " + std::to_string(l.max) + "; " +
                      std::string{l.advice} + ")");
        continue;
      }
      for (int k = 0; k < size; ++k) {
        if (text) check_text(n, f, r->GetRepeatedStringReference(m, f, k, &scratch_), k);
        else if (nested) message(n.child(f->name(), k), r->GetRepeatedMessage(m, f, k));
      }
    }
  }

 private:
  void check_text(const node& n, const pb::FieldDescriptor* f, const std::string& s, int index) {
    const auto max = text_limit_of(f);
    if (s.size() <= max) return;  // bytes <= max: characters are too
    const auto count = chars(s);
    if (count > max)
      n.fail(f->name(), std::to_string(count) + " characters (expected at most " + std::to_string(max) + ")",
             twin::errc::invalid_argument, index);
  }

  error_sink& sink_;
  std::string scratch_;
};

// Riders of all populations: a queueing population without a count draws from a pool of 100
// (world.cpp's riders_in); negative counts are refused by read_populations.
void check_riders(const context& c) {
  long long total = 0;
  for (int i = 0; i < c.msg.populations_size(); ++i) {
    const auto& p = c.msg.populations(i);
    const long long n = p.count() > 0 ? p.count() : (p.arrivals_per_hour() > 0 ? 100 : 0);
    total += n;
    if (total <= limit::riders) continue;
    const node at = c.root.child("populations", i);
    const std::string advice = "expected at most " + std::to_string(limit::riders) +
                               " riders in all populations; simulate a sample of the riders and scale the results";
    if (n > limit::riders)
      at.fail("count", std::to_string(n) + " riders (" + advice + ")");
    else
      at.fail("count", std::to_string(n) + " riders bring the scenario to " + std::to_string(total) + " (" + advice + ")");
    return;
  }
}

// Slots of all stations (each counted up to the per-station limit; read_stations refuses more).
void check_slots(const context& c) {
  long long total = 0;
  for (int i = 0; i < c.msg.stations_size(); ++i) {
    const int slots = std::clamp(c.msg.stations(i).slots(), 0, limit::slots);
    total += slots;
    if (total <= limit::total_slots) continue;
    c.root.child("stations", i)
        .fail("slots", std::to_string(slots) + " slots bring the scenario to " + std::to_string(total) +
                           " (expected at most " + std::to_string(limit::total_slots) + " slots in all stations; " +
                           std::string{split_network} + ")");
    return;
  }
}

}  // namespace

bool read_limits(context& c) {
  error_sink& sink = c.root.sink();
  walker{sink}.message(c.root, c.msg);
  if (c.msg.stations_size() <= list_limit_of(c.msg.GetDescriptor()->FindFieldByName("stations")).max) check_slots(c);
  if (c.msg.populations_size() <= list_limit_of(c.msg.GetDescriptor()->FindFieldByName("populations")).max)
    check_riders(c);
  return sink.ok();
}

}  // namespace swaptwin::scenarios::detail
