// Locations, error lines and small checks shared by the loader steps.
#include <cassert>
#include <cstdio>

#include "scenarios/loader_internal.hpp"

namespace swaptwin::scenarios::detail {

void error_sink::add(int line, twin::errc code, const std::string& path, const std::string& what) {
  // Keep the earliest line; an unknown line (0) only wins when nothing else is known.
  const bool better = !first_ || (line != 0 && (first_->line == 0 || line < first_->line));
  if (!better) return;
  std::string text = file_ + ":" + std::to_string(line) + ": ";
  if (!path.empty()) text += path + ": ";
  text += what;
  first_ = entry{line, twin::error{code, std::move(text)}};
}

const pb::FieldDescriptor* node::field(std::string_view name) const {
  const auto* f = desc_->FindFieldByName(std::string{name});
  assert(f != nullptr && "the loader names a field the proto does not have");
  return f;
}

int node::line_of(std::string_view name, int index) const {
  if (tree_ == nullptr) return line_;
  const auto* f = field(name);
  // A repeated field as a whole sits where its first entry is.
  const int idx = f->is_repeated() ? (index < 0 ? 0 : index) : -1;
  const auto loc = tree_->GetLocation(f, idx);
  return loc.line >= 0 ? loc.line + 1 : line_;
}

bool node::given(std::string_view name) const {
  if (tree_ == nullptr) return false;
  const auto* f = field(name);
  return tree_->GetLocation(f, f->is_repeated() ? 0 : -1).line >= 0;
}

std::string node::path_of(std::string_view name, int index) const {
  std::string p = path_.empty() ? std::string{} : path_ + ".";
  p += name;
  if (index >= 0) p += "[" + std::to_string(index) + "]";
  return p;
}

node node::child(std::string_view name, int index) const {
  const auto* f = field(name);
  assert(f->message_type() != nullptr);
  const int idx = f->is_repeated() ? index : -1;
  const info_tree* t = tree_ != nullptr ? tree_->GetTreeForNested(f, idx) : nullptr;
  return node{f->message_type(), t, path_of(name, f->is_repeated() ? index : -1), line_of(name, idx), *sink_};
}

void node::fail(std::string_view name, const std::string& what, twin::errc code, int index) const {
  sink_->add(line_of(name, index), code, path_of(name, index), what);
}

void node::fail_here(const std::string& what, twin::errc code) const { sink_->add(line_, code, path_, what); }

void node::fail_twin(const std::string& message,
                     std::initializer_list<std::pair<std::string_view, std::string_view>> renames) const {
  const auto colon = message.find(": ");
  if (colon != std::string::npos) {
    std::string_view name{message.data(), colon};
    for (const auto& [theirs, ours] : renames)
      if (name == theirs) name = ours;
    if (desc_->FindFieldByName(std::string{name}) != nullptr) {
      fail(name, message.substr(colon + 2));
      return;
    }
  }
  fail_here(message);
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string quoted(std::string_view s) {
  constexpr std::size_t shown = 60;
  if (s.size() <= shown + 20) return "\"" + std::string{s} + "\"";
  std::size_t cut = shown;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return "\"" + std::string{s.substr(0, cut)} + "...\" (" + std::to_string(chars(s)) + " characters)";
}

std::size_t chars(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;  // continuation bytes are not characters
  return n;
}

bool at_most(const node& n, std::string_view field, double v, double max, std::string_view unit,
             std::string_view advice) {
  if (!(v > max)) return true;
  n.fail(field, num(v) + " is over the limit (expected at most " + num(max) + (unit.empty() ? "" : " ") +
                    std::string{unit} + "; " + std::string{advice} + ")");
  return false;
}

bool id_set::add(const std::string& id, const node& where, std::string_view field, twin::errc code,
                 std::string_view what) {
  const auto [it, inserted] = seen_.try_emplace(id, first_use{where.path(), where.line_of(field)});
  if (inserted) return true;
  where.fail(field,
             quoted(id) + " is already used by " + it->second.path + " at line " + std::to_string(it->second.line) +
                 " (expected a unique " + std::string{what} + ")",
             code);
  return false;
}

twin::geo_point read_point(const node& n, bool has_lat, double lat, bool has_lon, double lon) {
  if (!has_lat)
    n.fail("lat", "missing (expected a latitude, -90..90)");
  else if (!within(lat, -90, 90))
    n.fail("lat", num(lat) + " is not a latitude (expected -90..90)");
  if (!has_lon)
    n.fail("lon", "missing (expected a longitude, -180..180)");
  else if (!within(lon, -180, 180))
    n.fail("lon", num(lon) + " is not a longitude (expected -180..180)");
  return twin::geo_point{lat, lon};
}

bool check(const node& n, std::string_view field, double v, bool ok, std::string_view noun, std::string_view expect,
           bool required) {
  if (required && !n.given(field)) {
    n.fail(field, "missing (expected " + std::string{noun} + ", " + std::string{expect} + ")");
    return false;
  }
  if (ok) return true;
  n.fail(field, num(v) + " is not " + std::string{noun} + " (expected " + std::string{expect} + ")");
  return false;
}

std::string one_of(const std::vector<std::string>& ids) {
  if (ids.empty()) return "a defined one; the file defines none";
  std::string s = "one of: ";
  const std::size_t shown = ids.size() > 8 ? 8 : ids.size();
  for (std::size_t i = 0; i < shown; ++i) s += (i ? ", " : "") + ids[i];
  if (shown < ids.size()) s += ", ... (" + std::to_string(ids.size()) + " in all)";
  return s;
}

bool known_model(const context& c, const node& n, std::string_view field, const std::string& id) {
  if (id.empty()) {
    n.fail(field, "missing (expected a battery model id, " + model_ids(c) + ")");
    return false;
  }
  if (c.models.has(id)) return true;
  n.fail(field, "unknown battery model " + quoted(id) + " (expected " + model_ids(c) + ")", twin::errc::model_unknown);
  return false;
}

std::string model_ids(const context& c) {
  std::vector<std::string> ids;
  for (const auto& m : c.out.models) ids.push_back(m.id);
  return one_of(ids);
}

std::uint64_t fnv1a(std::string_view text) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string fnv1a_hex(std::string_view text) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a(text)));
  return buf;
}

}  // namespace swaptwin::scenarios::detail
