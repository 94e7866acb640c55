// swaptwin-viewer as a process: --help, a missing database, no display, and a screenshot of the
// demo back office under xvfb-run (skipped when xvfb-run is not installed): exit 0, a PNG of the
// window's size, not blank, byte-identical across two runs.
#include <gtest/gtest.h>

#include <stb_image.h>  // libstb exports stbi_load (no STB_IMAGE_IMPLEMENTATION here)

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <sys/wait.h>

// Under ASan the GL shell runs with leak checking off (LSAN_OPTIONS): Mesa's llvmpipe driver, loaded
// with dlopen and gone at exit, leaves allocations LeakSanitizer cannot attribute. ASan still stops
// the process on a memory error; the UI library and the sources are leak-checked in-process
// (test_viewer, test_app_viewer_*). Outside sanitizer builds the variable does nothing.

namespace {

namespace fs = std::filesystem;

const std::string now = "2026-11-23T15:30:00Z";

/// What a command printed and how it exited.
struct outcome {
  int code = -1;
  std::string out;
};

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

/// Runs `cmd` through the shell, stdout and stderr together.
outcome run(const std::string& cmd, const fs::path& dir) {
  const auto log = dir / "out.txt";
  int st = std::system((cmd + " > '" + log.string() + "' 2>&1").c_str());
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(log)};
}

bool have_xvfb_run() { return std::system("command -v xvfb-run > /dev/null 2>&1") == 0; }

class ViewerSmokeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("swaptwin_viewer_smoke_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    demo_ = dir_ / "demo.db";
    demo_status_ = run(std::string{SWAPTWIN_BIN} + " demo --db '" + demo_.string() + "' --now " + now, dir_);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void SetUp() override { ASSERT_EQ(demo_status_.code, 0) << demo_status_.out; }

  /// swaptwin-viewer on the demo database with `args`, under xvfb-run when `display`.
  static outcome viewer(const std::string& args, bool display) {
    std::string cmd = display ? "LSAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1280x800x24' "
                              : "env -u DISPLAY -u WAYLAND_DISPLAY ";
    return run(cmd + SWAPTWIN_VIEWER_BIN + " --db '" + demo_.string() + "' --now " + now + " " + args, dir_);
  }

  static inline fs::path dir_, demo_;
  static inline outcome demo_status_;
};

TEST_F(ViewerSmokeTest, HelpListsTheOptions) {
  auto r = run(std::string{SWAPTWIN_VIEWER_BIN} + " --help", dir_);
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* opt : {"--db", "--now", "--panel", "--station", "--screenshot", "--frames", "--width", "--height",
                          "--refresh-s", "--map-center"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt << " missing from:\n" << r.out;
}

TEST_F(ViewerSmokeTest, MissingDatabaseIsAClearError) {
  auto r = run(std::string{SWAPTWIN_VIEWER_BIN} + " --db '" + (dir_ / "nope.db").string() + "'", dir_);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("no such database"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "nope.db"));  // not created
}

TEST_F(ViewerSmokeTest, UnknownPanelIsAClearError) {
  auto r = viewer("--panel Nowhere", false);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("--panel: no panel \"Nowhere\""), std::string::npos) << r.out;
}

TEST_F(ViewerSmokeTest, NoDisplaySaysToUseXvfbRun) {
  auto r = viewer("--screenshot '" + (dir_ / "never.png").string() + "'", false);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("no display: run under xvfb-run -a"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "never.png"));
}

TEST_F(ViewerSmokeTest, ScreenshotIsTheWindowNotBlankAndRepeatable) {
  if (!have_xvfb_run()) GTEST_SKIP() << "xvfb-run is not installed (Debian: xvfb xauth); no X server to draw in";
  const auto a = dir_ / "a.png", b = dir_ / "b.png";
  auto r = viewer("--panel 'Station detail' --station NBO-0002 --screenshot '" + a.string() + "' --frames 3", true);
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(fs::exists(a));

  // The PNG signature, then IHDR: width and height, big-endian, at bytes 16..23.
  const std::string png = slurp(a);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  auto be32 = [&](size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(png[at + 3]));
  };
  EXPECT_EQ(be32(16), 1280u);
  EXPECT_EQ(be32(20), 800u);

  // Not blank: several colours (text, panel fills, the SoC bars' amber; 13 on this machine), and a
  // good share of pixels unlike the top-left one.
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(a.string().c_str(), &w, &h, &n, 3);
  ASSERT_NE(px, nullptr);
  std::set<unsigned> colours;
  const unsigned first = (px[0] << 16) | (px[1] << 8) | px[2];
  long differing = 0;
  for (long i = 0; i < static_cast<long>(w) * h; ++i) {
    unsigned c = (px[3 * i] << 16) | (px[3 * i + 1] << 8) | px[3 * i + 2];
    colours.insert(c);
    differing += c != first;
  }
  stbi_image_free(px);
  EXPECT_GE(colours.size(), 8u);  // a blank or cleared window has one or two
  EXPECT_GT(differing, static_cast<long>(w) * h / 20);

  auto r2 = viewer("--panel 'Station detail' --station NBO-0002 --screenshot '" + b.string() + "' --frames 3", true);
  ASSERT_EQ(r2.code, 0) << r2.out;
  EXPECT_TRUE(png == slurp(b)) << "two runs gave different pictures";
}

}  // namespace
