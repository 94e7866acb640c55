#include "scenarios/replay.hpp"

#include <algorithm>

namespace swaptwin::scenarios {

std::string describe(const actors::sim_event& e) {
  std::string out = twin::format_instant(twin::from_ms(e.at_ms)) + " (" + std::to_string(e.at_ms) + ") " + e.kind;
  if (!e.station_sn.empty()) out += " station=" + e.station_sn;
  if (!e.rider_id.empty()) out += " rider=" + e.rider_id;
  if (!e.code.empty()) out += " code=" + e.code;
  out += " value=" + std::to_string(e.value) + " value2=" + std::to_string(e.value2);
  if (!e.text.empty()) out += " text=" + e.text;
  return out;
}

namespace {
bool same(const actors::sim_event& a, const actors::sim_event& b) {
  return a.at_ms == b.at_ms && a.kind == b.kind && a.station_sn == b.station_sn && a.rider_id == b.rider_id &&
         a.code == b.code && a.value == b.value && a.value2 == b.value2 && a.text == b.text;
}

std::string difference_at(const std::vector<actors::sim_event>& recorded, const std::vector<actors::sim_event>& replayed,
                          std::size_t i) {
  std::string out = "first difference at event #" + std::to_string(i) + ":\n";
  out += "  recorded: " + (i < recorded.size() ? describe(recorded[i]) : std::string{"(journal ends here)"}) + "\n";
  out += "  replayed: " + (i < replayed.size() ? describe(replayed[i]) : std::string{"(run ends here)"}) + "\n";
  out += "  context (the events before, identical in both):\n";
  for (std::size_t k = i >= 3 ? i - 3 : 0; k < i; ++k) out += "    #" + std::to_string(k) + " " + describe(recorded[k]) + "\n";
  return out;
}
}  // namespace

twin::result<replay_result> replay(const journal_contents& j) {
  auto sc = parse_scenario(j.header.scenario_text, j.header.scenario_file.empty() ? "journal" : j.header.scenario_file);
  if (!sc) return sc.err();
  if (sc->digest != j.header.scenario_digest)
    return twin::error{twin::errc::invalid_argument, "the journal's scenario text does not match its digest"};
  sim_options opt;
  opt.seed = j.header.seed;
  opt.days = j.header.days;
  auto run = simulate(*sc, opt);
  if (!run) return run.err();
  replay_result out;
  out.run = std::move(*run);
  const auto& a = j.events;
  const auto& b = out.run.events;
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i, ++out.events_compared)
    if (!same(a[i], b[i])) {
      out.first_difference = difference_at(a, b, i);
      return out;
    }
  if (a.size() != b.size()) {
    out.first_difference = difference_at(a, b, n);
    return out;
  }
  if (j.final_digest != out.run.final_digest) {
    out.first_difference = "every event matches, but the final state differs: recorded " + j.final_digest +
                           ", replayed " + out.run.final_digest + "\n";
    return out;
  }
  out.identical = true;
  return out;
}

}  // namespace swaptwin::scenarios
