#include "scenarios/replay.hpp"

#include <algorithm>
#include <optional>

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

// `replayed` is null when the run ended before event #i.
std::string difference_at(const std::vector<actors::sim_event>& recorded, const actors::sim_event* replayed,
                          std::size_t i) {
  std::string out = "first difference at event #" + std::to_string(i) + ":\n";
  out += "  recorded: " + (i < recorded.size() ? describe(recorded[i]) : std::string{"(journal ends here)"}) + "\n";
  out += "  replayed: " + (replayed ? describe(*replayed) : std::string{"(run ends here)"}) + "\n";
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
  // Compare as the run goes (the replay keeps no second copy of the events): the first event that
  // differs from the recording, or runs past its end, is kept to show.
  const auto& recorded = j.events;
  std::size_t matched = 0;
  std::optional<actors::sim_event> differing;
  opt.on_event = [&](const actors::sim_event& e) {
    if (differing) return;
    if (matched < recorded.size() && same(recorded[matched], e)) ++matched;
    else differing = e;
  };
  auto run = simulate(*sc, opt);
  if (!run) return run.err();
  replay_result out;
  out.run = std::move(*run);
  out.events_compared = matched;
  if (differing || matched < recorded.size()) {
    out.first_difference = difference_at(recorded, differing ? &*differing : nullptr, matched);
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
