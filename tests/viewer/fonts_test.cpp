// Currency symbols and fonts: money shows a symbol only when the font can draw it, and the shell's
// font merge (DejaVu Sans's Currency Symbols block) makes ₹ and ₦ drawable.
#include "viewer/fonts.hpp"
#include "viewer/format.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include <imgui.h>

namespace swaptwin::viewer {
namespace {

const std::string rupee = "\xE2\x82\xB9";  // ₹ U+20B9
const std::string naira = "\xE2\x82\xA6";  // ₦ U+20A6

view_model with_rupees() {
  view_model vm;
  vm.currencies = {{"INR", rupee, 2}, {"KES", "KSh", 2}};
  return vm;
}

/// An ImGui context with its fonts built, destroyed with the fixture.
class FontContext : public ::testing::Test {
 protected:
  void SetUp() override { context_ = ImGui::CreateContext(); }
  void TearDown() override { ImGui::DestroyContext(context_); }
  void build_and_start_frame() {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(640, 480);
    io.DeltaTime = 1.0f / 60.0f;
    io.IniFilename = nullptr;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    ImGui::NewFrame();
  }
  ImGuiContext* context_ = nullptr;
};

TEST(FontDraws, WithoutAContextOnlyLatin1) {
  EXPECT_TRUE(font_draws("KSh"));
  EXPECT_TRUE(font_draws("\xC2\xA5"));  // ¥ U+00A5
  EXPECT_FALSE(font_draws(rupee));
  EXPECT_FALSE(font_draws("\xE2\x82"));  // a truncated sequence
}

TEST_F(FontContext, TheDefaultFontShowsTheCodeForARupee) {
  ImGui::GetIO().Fonts->AddFontDefault();
  build_and_start_frame();
  EXPECT_FALSE(font_draws(rupee));
  const auto vm = with_rupees();
  EXPECT_EQ(format_money(money_amount{"INR", 123456}, vm), "INR 1,234.56");
  EXPECT_EQ(format_money(money_amount{"KES", 123456}, vm), "KSh 1,234.56");
  ImGui::EndFrame();
}

TEST_F(FontContext, TheMergedCurrencySymbolsDrawTheRupeeAndTheNaira) {
  if (!std::ifstream{dejavu_sans_path}.good()) GTEST_SKIP() << dejavu_sans_path << " missing (scripts/setup.sh installs fonts-dejavu-core)";
  ASSERT_TRUE(add_fonts_with_currency_symbols());
  build_and_start_frame();
  EXPECT_TRUE(font_draws(rupee));
  EXPECT_TRUE(font_draws(naira));
  EXPECT_TRUE(font_draws("KSh \xC2\xA5"));  // the default font's Latin-1 is still there
  EXPECT_EQ(format_money(money_amount{"INR", 123456}, with_rupees()), rupee + " 1,234.56");
  ImGui::EndFrame();
}

TEST_F(FontContext, AMissingFontFileLeavesTheDefaultFont) {
  EXPECT_FALSE(add_fonts_with_currency_symbols("/nonexistent/font.ttf"));
  build_and_start_frame();
  EXPECT_TRUE(font_draws("KSh"));
  EXPECT_FALSE(font_draws(rupee));
  ImGui::EndFrame();
}

}  // namespace
}  // namespace swaptwin::viewer
