// load_scenario / parse_scenario: text format -> swaptwin.v1.Scenario -> validated `scenario`.
//
// Stages, each ending in at most one error line "FILE:LINE: FIELD: what is expected": the file's
// size and its entries (before it is read and parsed: the parser's memory grows with both); the
// protobuf text parser (syntax, unknown fields, wrong value types); the limits of loader_limits.cpp
// (entries of each list, text lengths, riders and slots in all); the loader steps of loader_*.cpp,
// which check meaning (ranges, references between entries, uniqueness) with the line of each value
// taken from the parser's location tree; and last the projected size of the run
// (loader_projection.cpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include <google/protobuf/io/tokenizer.h>

#include "scenarios/loader_internal.hpp"

namespace swaptwin::scenarios {
namespace {

using detail::info_tree;
namespace pb = google::protobuf;

// Keeps the parser's first error (the parser stops there anyway).
class first_error : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (seen) return;
    seen = true;
    line1 = line >= 0 ? line + 1 : 0;
    column0 = column;
    text = message;
  }
  bool seen = false;
  int line1 = 0;    // 1-based; 0 when the parser gave none
  int column0 = 0;  // 0-based, tabs advancing to the next multiple of 8 (the tokenizer's way)
  std::string text;
};

// Path of the message the parser was inside when it stopped ("stations[3].packs[0]"): the parser
// creates a nested location tree when it enters a message and records the message's location only
// when it leaves it, so the open one is a nested tree without a location.
std::string open_path(const info_tree* tree, const pb::Descriptor* desc) {
  std::string path;
  while (tree != nullptr) {
    const info_tree* next = nullptr;
    for (int i = 0; i < desc->field_count() && next == nullptr; ++i) {
      const auto* f = desc->field(i);
      if (f->message_type() == nullptr) continue;
      if (!f->is_repeated()) {
        const auto* t = tree->GetTreeForNested(f, -1);
        if (t != nullptr && tree->GetLocation(f, -1).line < 0) {
          next = t;
          path += (path.empty() ? "" : ".") + f->name();
          desc = f->message_type();
        }
        continue;
      }
      int n = 0;
      while (tree->GetTreeForNested(f, n) != nullptr) ++n;
      if (n > 0 && tree->GetLocation(f, n - 1).line < 0) {
        next = tree->GetTreeForNested(f, n - 1);
        path += (path.empty() ? "" : ".") + f->name() + "[" + std::to_string(n - 1) + "]";
        desc = f->message_type();
      }
    }
    tree = next;
  }
  return path;
}

// The text between the first two double quotes after `from` in `s`, or empty.
std::string quoted_after(const std::string& s, std::size_t from) {
  const auto a = s.find('"', from);
  if (a == std::string::npos) return {};
  const auto b = s.find('"', a + 1);
  return b == std::string::npos ? std::string{} : s.substr(a + 1, b - a - 1);
}

// The field name written before the value at (line1, column0) of `text` ("lat" in "lat: abc"), or
// empty: value errors point at the value, and the parser records nothing about its field.
std::string field_before(const std::string& text, int line1, int column0) {
  std::size_t at = 0;
  for (int l = 1; l < line1; ++l) {
    at = text.find('\n', at);
    if (at == std::string::npos) return {};
    ++at;
  }
  for (int col = 0; at < text.size() && text[at] != '\n' && col < column0; ++at)
    col = text[at] == '\t' ? (col / 8 + 1) * 8 : col + 1;
  const auto is_space = [](char ch) { return ch == ' ' || ch == '\t'; };
  while (at > 0 && is_space(text[at - 1])) --at;
  if (at == 0 || text[at - 1] != ':') return {};
  --at;
  while (at > 0 && is_space(text[at - 1])) --at;
  const auto end = at;
  while (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_')) --at;
  return text.substr(at, end - at);
}

// One error line for a parser error, naming the field where it can.
twin::error syntax_error(const std::string& file, const std::string& text, const first_error& e,
                         const info_tree& tree) {
  const std::string where = open_path(&tree, v1::Scenario::descriptor());
  const auto join = [&](const std::string& name) { return where.empty() ? name : where + "." + name; };
  std::string field, what;
  // The parser quotes the token it stopped at, which may be a whole line of the file.
  const std::string parser_text = e.text.size() <= 200 ? e.text : e.text.substr(0, 200) + "...";
  if (const auto at = e.text.find("has no field named \""); at != std::string::npos) {
    // 'Message type "swaptwin.v1.Scenario.Station" has no field named "latitude".'
    field = join(quoted_after(e.text, at + 18));
    std::string names;
    if (const auto* d = pb::DescriptorPool::generated_pool()->FindMessageTypeByName(quoted_after(e.text, 0)))
      for (int i = 0; i < d->field_count(); ++i) names += (i ? ", " : "") + d->field(i)->name();
    what = "unknown field (expected one of: " + names + ")";
  } else if (const auto twice = e.text.find("\" is specified multiple times"); twice != std::string::npos) {
    // 'Non-repeated field "lat" is specified multiple times.'
    const auto open = e.text.rfind('"', twice - 1);
    field = join(e.text.substr(open + 1, twice - open - 1));
    what = "given twice (expected it once)";
  } else {
    const std::string value_of = field_before(text, e.line1, e.column0);
    field = value_of.empty() ? where : join(value_of);
    what = "syntax error: " + parser_text;
    if (e.text == "Expected identifier, got: ")  // the tokenizer's end of input
      what = where.empty() ? "syntax error: the file ends too early"
                           : "the file ends inside this entry (expected \"}\" to close it)";
    else if (what.size() >= 5 && what.compare(what.size() - 5, 5, "got: ") == 0)
      what += "the end of the file";
  }
  std::string line = file + ":" + std::to_string(e.line1) + ": ";
  if (!field.empty()) line += field + ": ";
  return twin::error{twin::errc::invalid_argument, line + what};
}

// What to do with a file over the size or entry limit.
constexpr const char* smaller_file =
    "describe packs with fill and riders with population counts instead of listing each, or split the network into "
    "regions, one scenario each";

// "FILE:0: the file is N bytes (expected at most ...)", or nothing. `exact`: N is the file's size,
// not what was read of it so far.
std::optional<twin::error> too_big(const std::string& name, std::uintmax_t bytes, bool exact = true) {
  if (bytes <= detail::limit::file_bytes) return std::nullopt;
  const auto limit = detail::limit::file_bytes;
  const std::string size = exact ? std::to_string(bytes) : "more than " + std::to_string(limit);
  return twin::error{twin::errc::invalid_argument,
                     name + ":0: the file is " + size + " bytes, over the limit (expected at most " +
                         std::to_string(limit >> 20) + " MiB = " + std::to_string(limit) + " bytes; " + smaller_file + ")"};
}

// "FILE:LINE: the file has more than N entries ...", or nothing. The parser's memory grows with
// the messages it holds (about 200 bytes each, and "{}," is three bytes of text), so their number
// is bounded before it runs: the braces outside strings and comments, counted as the tokenizer
// would see them.
std::optional<twin::error> too_many_entries(const std::string& name, const std::string& text) {
  std::size_t opened = 0;
  int line = 1;
  char quote = 0;  // inside a string: its quote
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\n') {
      ++line;
      quote = 0;  // strings do not cross lines (the parser refuses one that tries)
    } else if (quote != 0) {
      if (ch == '\\' && i + 1 < text.size() && text[i + 1] != '\n') ++i;
      else if (ch == quote) quote = 0;
    } else if (ch == '"' || ch == '\'') {
      quote = ch;
    } else if (ch == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if ((ch == '{' || ch == '<') && ++opened > detail::limit::file_entries) {
      return twin::error{twin::errc::invalid_argument,
                         name + ":" + std::to_string(line) + ": the file has more than " +
                             std::to_string(detail::limit::file_entries) + " entries (expected at most " +
                             std::to_string(detail::limit::file_entries) + "; " + smaller_file + ")"};
    }
  }
  return std::nullopt;
}

}  // namespace

twin::result<scenario> parse_scenario(const std::string& text, const std::string& name, const load_options& opt) {
  if (auto e = too_big(name, text.size())) return *e;
  if (auto e = too_many_entries(name, text)) return *e;
  v1::Scenario msg;
  info_tree tree;
  first_error errors;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &msg)) {
    if (!errors.seen) errors.text = "the text is not a swaptwin.v1.Scenario";
    return syntax_error(name, text, errors, tree);
  }

  scenario out;
  out.file = name;
  out.digest = detail::fnv1a_hex(text);
  out.text = text;
  detail::error_sink sink{name};
  detail::context c{msg, detail::node{v1::Scenario::descriptor(), &tree, "", 0, sink}, out, {}, {}, {}, {}, {}, {}, {},
                    {}};
  // The limits come first, and the other steps run only within them: nothing is expanded or
  // cross-checked from a file over them (a limit error wins over an earlier line's other error).
  if (!detail::read_limits(c)) return sink.get();
  // Order matters: later steps look up what earlier ones defined (agents before the stations that
  // name them, stations before populations and faults that name stations).
  detail::read_run(c);
  detail::read_catalogue(c);
  detail::read_agents(c);
  detail::read_stations(c);
  detail::read_populations(c);
  detail::read_faults(c);
  detail::read_physics(c);
  if (!sink.ok()) return sink.get();
  detail::check_run_size(c, opt);  // only on a valid scenario: it reads the values checked above
  if (!sink.ok()) return sink.get();
  return out;
}

twin::result<scenario> load_scenario(const std::string& path, const load_options& opt) {
  const auto cannot = [&](const char* what) {
    return twin::error{twin::errc::invalid_argument,
                       path + ":0: cannot " + what + " the file (expected a readable scenario file)"};
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cannot("open");
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } close_it{fd};
  // The size of what was opened, before any of it is read. A pipe or a device has none: it is
  // read up to the limit, as is a file that grows while it is read.
  struct stat st {};
  if (::fstat(fd, &st) != 0) return cannot("read");
  const bool sized = S_ISREG(st.st_mode);
  if (sized)
    if (auto e = too_big(path, static_cast<std::uintmax_t>(st.st_size))) return *e;
  std::string text;
  if (sized) text.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const auto got = ::read(fd, buf, sizeof buf);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      return cannot("read");
    }
    text.append(buf, static_cast<std::size_t>(got));
    if (auto e = too_big(path, text.size(), false)) return *e;
  }
  return parse_scenario(text, path, opt);
}

std::string digest_of(std::string_view text) { return detail::fnv1a_hex(text); }

}  // namespace swaptwin::scenarios
