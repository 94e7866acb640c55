// libFuzzer target: the scenario loader (scenarios::parse_scenario) on arbitrary text.
//
// Besides what ASan and UBSan catch, it holds the loader to its documented contract
// (scenarios/scenario.hpp): a refused file gives one error whose detail is a single line
// "FILE:LINE: ..." naming the file it was given. A breach aborts, so libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <google/protobuf/stubs/logging.h>

#include "scenarios/scenario.hpp"

namespace {

constexpr const char* file_name = "fuzz.textproto";

[[noreturn]] void contract_broken(const char* what, const std::string& detail) {
  std::fprintf(stderr, "scenario loader contract broken: %s\n  detail: %s\n", what, detail.c_str());
  std::abort();
}

// "fuzz.textproto:<digits>: <something>", on one line.
void check_error_line(const std::string& detail) {
  const std::string prefix = std::string{file_name} + ":";
  if (detail.compare(0, prefix.size(), prefix) != 0) contract_broken("the detail does not start with FILE:", detail);
  std::size_t i = prefix.size();
  const std::size_t digits_from = i;
  while (i < detail.size() && detail[i] >= '0' && detail[i] <= '9') ++i;
  if (i == digits_from || detail.compare(i, 2, ": ") != 0) contract_broken("no LINE: after FILE:", detail);
  if (detail.find('\n') != std::string::npos) contract_broken("the detail is more than one line", detail);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Invalid UTF-8 in a string field is logged by protobuf (and accepted): thousands of such lines
  // would only slow the run down.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto loaded = swaptwin::scenarios::parse_scenario(text, file_name);
  if (!loaded.ok()) {
    check_error_line(loaded.err().detail);
    return 0;
  }
  if (loaded->file != file_name || loaded->text != text)
    contract_broken("the scenario does not keep its file name and text", {});
  return 0;
}
