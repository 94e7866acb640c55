#include "viewer/fonts.hpp"

#include <fstream>

#include <imgui.h>

namespace swaptwin::viewer {

bool add_fonts_with_currency_symbols(const std::string& ttf_path) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  atlas->AddFontDefault();
  const float size = atlas->ConfigData.back().SizePixels;  // 13 px, the default font's (its ImFont is sized at build)
  if (!std::ifstream{ttf_path}.good()) return false;  // ImGui would assert on a missing file
  // The atlas keeps a pointer to the ranges until it is built: static storage.
  static const ImWchar currency_symbols[] = {0x20A0, 0x20CF, 0};
  ImFontConfig merge;
  merge.MergeMode = true;
  merge.PixelSnapH = true;
  return atlas->AddFontFromFileTTF(ttf_path.c_str(), size, &merge, currency_symbols) != nullptr;
}

}  // namespace swaptwin::viewer
