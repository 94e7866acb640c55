// Golden images of swaptwin-viewer on the bundled demo-city scenario, simulated in-process to a
// fixed virtual instant (2026-11-23T10:20:00Z: SZ-0003's scheduled link outage has made it offline
// and its agent is on site): the Map (centred on Futian, Shenzhen) and SZ-0003's Station detail, under
// xvfb-run, compared with tests/golden/viewer/*.png. SWAPTWIN_UPDATE_GOLDEN=1 rewrites the references.
//
// Tolerance: a pixel differs when one of its channels differs by more than 24 levels (what a
// different Mesa or llvmpipe may do to anti-aliased edges and glyphs); at most 40 pixels of the
// 1,024,000 may differ (0.004%). A station marker is a disc of radius 6 (~113 pixels): one station
// changing colour changes about three times that many pixels by 30-100 levels, so it fails. (0.5%,
// or even 0.05% = 512 pixels, would let a station turn grey or red unnoticed.) The tests below prove
// it: the same instant with another seed, and a copy of the scenario where SZ-0010 is offline then,
// both fail the comparison.
#include <gtest/gtest.h>

#include <stb_image.h>  // libstb exports stbi_load (no STB_IMAGE_IMPLEMENTATION here)

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>

// Under ASan the GL shell runs with leak checking off (LSAN_OPTIONS): Mesa's llvmpipe driver, loaded
// with dlopen and gone at exit, leaves allocations LeakSanitizer cannot attribute. ASan still stops
// the process on a memory error; the UI library and the sources are leak-checked in-process
// (test_viewer, test_app_viewer_*). Outside sanitizer builds the variable does nothing.

namespace {

namespace fs = std::filesystem;

constexpr int channel_tolerance = 24;
constexpr long max_differing_pixels = 40;
const std::string at = "2026-11-23T10:20:00Z";
const std::string map_args = "--panel Map --map-center 22.542,114.06 --map-zoom 9000";
const std::string detail_args = "--station SZ-0003";

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

bool have_xvfb_run() { return std::system("command -v xvfb-run > /dev/null 2>&1") == 0; }

/// An RGBA picture.
struct image {
  int w = 0, h = 0;
  std::vector<unsigned char> px;
};

image load_png(const fs::path& p) {
  image out;
  int n = 0;
  unsigned char* data = stbi_load(p.string().c_str(), &out.w, &out.h, &n, 4);
  if (!data) return {};
  out.px.assign(data, data + static_cast<size_t>(out.w) * static_cast<size_t>(out.h) * 4);
  stbi_image_free(data);
  return out;
}

/// Pixels of `a` and `b` with a channel more than channel_tolerance apart; -1 when the sizes differ.
long differing_pixels(const image& a, const image& b) {
  if (a.w != b.w || a.h != b.h || a.px.empty()) return -1;
  long n = 0;
  for (size_t i = 0; i < a.px.size(); i += 4)
    for (size_t c = 0; c < 3; ++c)
      if (std::abs(int{a.px[i + c]} - int{b.px[i + c]}) > channel_tolerance) {
        ++n;
        break;
      }
  return n;
}

class ViewerGoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_xvfb_run()) GTEST_SKIP() << "xvfb-run is not installed (scripts/setup.sh installs it)";
    dir_ = fs::temp_directory_path() / ("swaptwin_viewer_golden_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  /// The viewer's screenshot of `scenario` at `at` with `args`, as a file in the temp dir.
  fs::path shoot(const std::string& scenario, const std::string& args, const std::string& name) {
    const auto png = dir_ / name;
    const auto log = dir_ / (name + ".log");
    const std::string cmd = "LSAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1280x800x24' " + std::string{SWAPTWIN_VIEWER_BIN} + " '" +
                            scenario + "' --now " + at + " --screenshot '" + png.string() + "' --frames 3 " + args +
                            " > '" + log.string() + "' 2>&1";
    const int st = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << cmd << "\n" << slurp(log);
    return png;
  }

  /// Compares `png` with the reference `name`, or replaces the reference under SWAPTWIN_UPDATE_GOLDEN=1.
  long against_reference(const fs::path& png, const std::string& name) {
    const fs::path ref = fs::path{SWAPTWIN_GOLDEN_DIR} / name;
    const char* update = std::getenv("SWAPTWIN_UPDATE_GOLDEN");
    if (update && std::string{update} == "1") {
      fs::create_directories(ref.parent_path());
      fs::copy_file(png, ref, fs::copy_options::overwrite_existing);
      std::cout << "rewrote " << ref << "\n";
    }
    EXPECT_TRUE(fs::exists(ref)) << ref << " is missing: run with SWAPTWIN_UPDATE_GOLDEN=1";
    return differing_pixels(load_png(png), load_png(ref));
  }

  fs::path dir_;
};

const std::string demo_city = std::string{SWAPTWIN_EXAMPLES} + "/demo-city.textproto";

TEST_F(ViewerGoldenTest, MapMatchesTheReference) {
  const auto n = against_reference(shoot(demo_city, map_args, "map.png"), "map.png");
  EXPECT_GE(n, 0) << "not the reference's size";
  EXPECT_LE(n, max_differing_pixels);
}

TEST_F(ViewerGoldenTest, StationDetailMatchesTheReference) {
  const auto n = against_reference(shoot(demo_city, detail_args, "station-detail.png"), "station-detail.png");
  EXPECT_GE(n, 0) << "not the reference's size";
  EXPECT_LE(n, max_differing_pixels);
}

TEST_F(ViewerGoldenTest, AStationThatChangedFailsTheComparison) {
  if (std::getenv("SWAPTWIN_UPDATE_GOLDEN")) GTEST_SKIP() << "updating the references";
  // The scenario with one more fault: SZ-0010 (Futian 10) loses its link at 10:00 for an hour, so
  // at 10:20 it is offline (grey) where the reference has it online. Nothing else is changed.
  const auto copy = dir_ / "demo-city.textproto";
  {
    std::ofstream out{copy};
    out << slurp(demo_city)
        << "\nfaults { kind: \"link_outage\" station: \"SZ-0010\" at: \"2026-11-23T10:00:00Z\" duration_min: 60 }\n";
  }
  const auto changed = against_reference(shoot(copy.string(), map_args, "changed.png"), "map.png");
  EXPECT_GT(changed, max_differing_pixels) << "a station gone offline must fail the golden comparison";
  // Another seed: other stocks, other colours.
  const auto seeded = against_reference(shoot(demo_city, map_args + " --seed 7", "seed7.png"), "map.png");
  EXPECT_GT(seeded, max_differing_pixels) << "another seed must fail the golden comparison";
  std::cout << "pixels differing from the reference: SZ-0010 offline " << changed << ", seed 7 " << seeded
            << " (tolerance " << max_differing_pixels << ")\n";
}

}  // namespace
