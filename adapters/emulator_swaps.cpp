// The riders, swaps and slot faults of an emulated cabinet (see emulator_cabinet_impl.hpp), and
// the acknowledged-swaps log. A swap is decided whole once authorised: the returned pack goes into
// the lowest usable empty slot, the fullest other usable pack goes out, the state is saved, and
// BatteryIn, BatteryOut (or BatteryOutTimeout) and the two slots' StatusNotifications go into the
// transaction queue. So a swap under way when the link drops completes through the queue.
#include <algorithm>
#include <cmath>

#include "adapters/emulator_cabinet_impl.hpp"

namespace swaptwin::adapters::emulation {

bool acked_log::open(const std::string& path) {
  if (path.empty()) return true;
  file_ = std::fopen(path.c_str(), "a");
  return file_ != nullptr;
}

void acked_log::write(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!file_) return;
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fputc('\n', file_);
  std::fflush(file_);
}

acked_log::~acked_log() {
  if (file_) std::fclose(file_);
}

namespace {
json id_token(const std::string& rider) { return json{{"idToken", rider}, {"type", "Central"}}; }
double one_decimal(double v) { return std::round(v * 10) / 10; }
}  // namespace

void cabinet_impl::push_tx(std::string action, json payload, json meta) {
  offline_entry e;
  e.action = std::move(action);
  e.payload = std::move(payload);
  e.meta = std::move(meta);
  e.replay = reg_ != reg::accepted || silent_;
  if (e.replay) ++s_.counters.offline_queued;
  tx_.push(std::move(e));
}

void cabinet_impl::push_status(int slot) { push_tx("StatusNotification", status_payload(slot, state_.status(slot))); }

void cabinet_impl::save() { save_state(state_path_, state_); }

void cabinet_impl::charge_now() {
  const auto now = steady::now();
  const double minutes = std::chrono::duration<double>(now - charged_at_).count() / 60;
  charged_at_ = now;
  state_.charge(minutes * s_.options.charge_percent_per_minute);
}

bool cabinet_impl::rider_busy(const std::string& id) const {
  if (authorizing_.count(id)) return true;
  return std::any_of(tx_.entries().begin(), tx_.entries().end(),
                     [&](const offline_entry& e) { return e.meta.value("rider", std::string{}) == id; });
}

bool cabinet_impl::swap_possible(std::size_t rider) const {
  if (rider >= state_.riders.size()) return false;
  const auto& r = state_.riders[rider];
  const int in = r.pack.empty() ? 0 : state_.empty_slot();
  if (!r.pack.empty() && !in) return false;
  return state_.fullest_slot(in) != 0;
}

void cabinet_impl::start_swap(int rider) {
  run([this, rider] {
    if (rider < 0 || static_cast<std::size_t>(rider) >= state_.riders.size()) return;
    const auto& r = state_.riders[static_cast<std::size_t>(rider)];
    if (r.pack.empty() || rider_busy(r.id)) return;
    begin_swap(static_cast<std::size_t>(rider));
  });
}

// A rider arrives and presents their token: Authorize first (a plain CALL: lost with the link).
void cabinet_impl::begin_swap(std::size_t rider) {
  const auto& r = state_.riders[rider];
  ++s_.counters.swaps_started;
  if (!swap_possible(rider)) {
    ++s_.counters.swaps_abandoned;
    emit("swap_abandoned", r.id + ": no free slot or no pack to give");
    return;
  }
  const auto request_id = state_.take_request_id();
  save();  // the id is spent even if the swap never happens: it must never repeat
  authorizing_[r.id] = authorizing{rider, request_id};
  emit("swap", r.id + " requestId " + std::to_string(request_id) + ": Authorize");
  queue_plain("Authorize", json{{"idToken", id_token(r.id)}}, r.id);
  pump();
}

void cabinet_impl::authorize_answered(const outstanding& o, const json* payload) {
  const auto it = authorizing_.find(o.tag);
  if (it == authorizing_.end()) return;
  const auto a = it->second;
  authorizing_.erase(it);
  if (!payload) {
    ++s_.counters.swaps_abandoned;
    emit("swap_abandoned", o.tag + ": Authorize failed");
    return;
  }
  const auto status = (*payload)["idTokenInfo"].value("status", std::string{});
  if (status != "Accepted") {
    ++s_.counters.swaps_refused;
    emit("swap_refused", o.tag + ": " + status);
    return;
  }
  if (!commit_swap(a.rider, a.request_id)) {
    ++s_.counters.swaps_abandoned;
    emit("swap_abandoned", o.tag + ": no free slot or no pack to give");
  }
}

bool cabinet_impl::commit_swap(std::size_t rider, std::int64_t request_id) {
  charge_now();
  if (!swap_possible(rider)) return false;
  auto& r = state_.riders[rider];
  const auto token = id_token(r.id);
  const std::string returned = r.pack;
  const int in = returned.empty() ? 0 : state_.empty_slot();
  if (in) {
    // The ride since the last swap drained the pack to 20..40 %.
    std::uniform_real_distribution<double> drained(20, 40);
    const double soc = one_decimal(std::min(r.soc, drained(rng_)));
    auto& slot = state_.slots[static_cast<std::size_t>(in - 1)];
    slot.pack = returned;
    slot.soc = soc;
    slot.soh = r.soh;
    push_tx("BatterySwap",
            json{{"eventType", "BatteryIn"},
                 {"requestId", request_id},
                 {"idToken", token},
                 {"batteryData", json::array({{{"evseId", in}, {"serialNumber", returned}, {"soC", soc}, {"soH", r.soh}}})}},
            json{{"rider", r.id}, {"event", "BatteryIn"}});
    push_status(in);
  }
  const int out = state_.fullest_slot(in);
  auto& slot = state_.slots[static_cast<std::size_t>(out - 1)];
  std::bernoulli_distribution leaves(std::clamp(s_.options.out_timeout_probability, 0.0, 1.0));
  const bool timeout = leaves(rng_);
  const std::string event = timeout ? "BatteryOutTimeout" : "BatteryOut";
  const double soc = one_decimal(slot.soc);
  push_tx("BatterySwap",
          json{{"eventType", event},
               {"requestId", request_id},
               {"idToken", token},
               {"batteryData", json::array({{{"evseId", out}, {"serialNumber", slot.pack}, {"soC", soc}, {"soH", slot.soh}}})}},
          json{{"rider", r.id}, {"event", event}, {"issued", timeout ? std::string{} : slot.pack}, {"returned", returned},
               {"offered", slot.pack}});
  if (timeout) {
    r.pack.clear();  // the pack stays locked in its slot; the rider, without one, swaps no more
  } else {
    r.pack = slot.pack;
    r.soc = soc;
    r.soh = slot.soh;
    slot.pack.clear();
    slot.soc = 0;
    push_status(out);
  }
  save();
  emit("swap", r.id + " requestId " + std::to_string(request_id) + ": " + (returned.empty() ? "-" : returned) + " in slot " +
                   std::to_string(in) + ", " + event + " slot " + std::to_string(out));
  pump();
  return true;
}

// A transaction message was acknowledged (and popped). The queue file is rewritten before the
// log line, so a crash can lose a line but never write one twice.
void cabinet_impl::tx_acknowledged(const offline_entry& e) {
  if (e.action == "NotifyEvent") ++s_.counters.notify_events;
  if (e.action != "BatterySwap") return;
  ++s_.counters.batteryswap_acked;
  const auto event = e.payload.value("eventType", std::string{});
  if (event == "BatteryIn") return;
  if (event == "BatteryOut") ++s_.counters.swaps_done;
  else ++s_.counters.swap_timeouts;
  tx_.persist();
  json line{{"sn", sn_},
            {"requestId", e.payload.value("requestId", std::int64_t{0})},
            {"rider", e.meta.value("rider", std::string{})},
            {"event", event},
            {"issued", e.meta.value("issued", std::string{})},
            {"returned", e.meta.value("returned", std::string{})}};
  s_.acked.write(line.dump());
  emit("swap_acked", line.dump());
}

void cabinet_impl::arm_swaps() {
  if (s_.options.swap_rate_per_hour <= 0 || stopping_) return;
  arm(swap_timer_, exponential_delay(s_.options.swap_rate_per_hour), [this] {
    // Riders come to a working cabinet: one holding a pack and not mid-swap, drawn at random.
    if (reg_ == reg::accepted && !silent_) {
      std::vector<std::size_t> free;
      for (std::size_t i = 0; i < state_.riders.size(); ++i)
        if (!state_.riders[i].pack.empty() && !rider_busy(state_.riders[i].id)) free.push_back(i);
      if (!free.empty()) {
        std::uniform_int_distribution<std::size_t> pick(0, free.size() - 1);
        begin_swap(free[pick(rng_)]);
      }
    }
    arm_swaps();
  });
}

void cabinet_impl::arm_faults() {
  if (s_.options.fault_rate_per_hour <= 0 || stopping_) return;
  arm(fault_timer_, exponential_delay(s_.options.fault_rate_per_hour), [this] {
    std::vector<int> working;
    for (int i = 1; i <= static_cast<int>(state_.slots.size()); ++i)
      if (state_.slots[static_cast<std::size_t>(i - 1)].fault.empty()) working.push_back(i);
    if (!working.empty()) {
      std::uniform_int_distribution<std::size_t> pick(0, working.size() - 1);
      std::discrete_distribution<int> kind({6, 2, 2});  // most alarms are slot problems
      static const char* kinds[] = {"problem", "temperature", "door"};
      raise_fault(working[pick(rng_)], kinds[kind(rng_)]);
    }
    arm_faults();
  });
}

void cabinet_impl::fault(int slot, std::string kind) {
  run([this, slot, kind = std::move(kind)] { raise_fault(slot, kind); });
}

json cabinet_impl::notify_event(int slot, const std::string& variable, const std::string& value, bool cleared) {
  const auto now = now_rfc3339();
  json data{{"eventId", state_.next_event_id++},
            {"timestamp", now},
            {"trigger", "Alerting"},
            {"actualValue", value},
            {"component", {{"name", "EVSE"}, {"evse", {{"id", slot}}}}},
            {"variable", {{"name", variable}}},
            {"eventNotificationType", "HardWiredNotification"}};
  if (cleared) data["cleared"] = true;
  // seqNo numbers the parts of one report (tbc); each NotifyEvent here is a whole report: 0.
  return json{{"generatedAt", now}, {"seqNo", 0}, {"eventData", json::array({data})}};
}

namespace {
struct alarm {
  const char* variable;
  const char* raised;
  const char* cleared;
};
const alarm* alarm_of(const std::string& kind) {
  static const alarm problem{"Problem", "true", "false"}, temperature{"Temperature", "68.5", "35.0"},
      door{"DoorOpen", "true", "false"};
  if (kind == "problem") return &problem;
  if (kind == "temperature") return &temperature;
  if (kind == "door") return &door;
  return nullptr;
}
}  // namespace

void cabinet_impl::raise_fault(int slot, const std::string& kind) {
  const auto* a = alarm_of(kind);
  if (!a || slot < 1 || slot > static_cast<int>(state_.slots.size()) || stopping_) return;
  auto& x = state_.slots[static_cast<std::size_t>(slot - 1)];
  if (!x.fault.empty()) return;
  charge_now();
  x.fault = kind;
  ++s_.counters.faults;
  emit("fault", "slot " + std::to_string(slot) + " " + kind);
  push_status(slot);
  push_tx("NotifyEvent", notify_event(slot, a->variable, a->raised, false));
  save();
  auto& t = repair_timers_[slot];
  if (!t) t = std::make_unique<net::steady_timer>(strand_);
  arm(*t, s_.options.fault_repair, [this, slot] { repair(slot); });
  pump();
}

void cabinet_impl::repair(int slot) {
  auto& x = state_.slots[static_cast<std::size_t>(slot - 1)];
  const auto* a = alarm_of(x.fault);
  if (!a) return;
  charge_now();
  x.fault.clear();
  ++s_.counters.repairs;
  emit("repair", "slot " + std::to_string(slot));
  push_status(slot);
  push_tx("NotifyEvent", notify_event(slot, a->variable, a->cleared, true));
  save();
  pump();
}

}  // namespace swaptwin::adapters::emulation
