// The emulator's per-cabinet offline queue: a deque mirrored by an append-only JSON-lines file.
#include "adapters/emulator_offline.hpp"

#include <cstdio>
#include <fstream>
#include <utility>

namespace swaptwin::adapters::emulation {

namespace {
nlohmann::json to_line(const offline_entry& e) {
  nlohmann::json j{{"action", e.action}, {"payload", e.payload}};
  if (!e.message_id.empty()) j["id"] = e.message_id;
  if (!e.meta.empty()) j["meta"] = e.meta;
  return j;
}
}  // namespace

bool offline_queue::open(std::string path, std::string* error) {
  path_ = std::move(path);
  entries_.clear();
  dirty_ = false;
  if (path_.empty()) return true;
  std::ifstream in(path_);
  if (!in) return true;  // no file yet: nothing was left behind
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    // A line cut by a crash mid-write is the only malformed one we can meet: it is the last, and
    // the message it held was never acknowledged, so skipping it loses at most that one.
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("action") || !j["action"].is_string() ||
        !j.contains("payload") || !j["payload"].is_object()) {
      if (error) *error = path_ + ":" + std::to_string(n) + ": not an offline entry (skipped)";
      dirty_ = true;
      continue;
    }
    offline_entry e;
    e.action = j["action"].get<std::string>();
    e.payload = j["payload"];
    if (j.contains("id") && j["id"].is_string()) e.message_id = j["id"].get<std::string>();
    if (j.contains("meta") && j["meta"].is_object()) e.meta = j["meta"];
    e.replay = true;
    entries_.push_back(std::move(e));
  }
  if (dirty_) write_all();
  return true;
}

void offline_queue::push(offline_entry e) {
  if (!path_.empty()) {
    // Append-only: one line per entry, flushed before the cabinet goes on (a restart finds it).
    if (std::FILE* f = std::fopen(path_.c_str(), "a")) {
      const auto line = to_line(e).dump() + "\n";
      std::fwrite(line.data(), 1, line.size(), f);
      std::fclose(f);
    }
  }
  entries_.push_back(std::move(e));
}

void offline_queue::pop_front() {
  entries_.pop_front();
  if (entries_.empty()) {
    write_all();  // truncates
  } else {
    dirty_ = true;  // rewritten at the next persist(): a crash before it replays, never loses
  }
}

void offline_queue::persist() {
  if (dirty_) write_all();
}

void offline_queue::write_all() {
  dirty_ = false;
  if (path_.empty()) return;
  const std::string tmp = path_ + ".tmp";
  if (std::FILE* f = std::fopen(tmp.c_str(), "w")) {
    for (const auto& e : entries_) {
      const auto line = to_line(e).dump() + "\n";
      std::fwrite(line.data(), 1, line.size(), f);
    }
    std::fclose(f);
    std::rename(tmp.c_str(), path_.c_str());  // atomic: the old file or the new one, never half
  }
}

}  // namespace swaptwin::adapters::emulation
