#pragma once
/// Fonts of the viewer: ImGui's default font, with the currency symbols it lacks (₹, ₦, ₱, ₫, ...)
/// merged in from a TrueType font when one is installed. Call before the font atlas is built.

#include <string>

namespace swaptwin::viewer {

/// Where Debian's fonts-dejavu-core puts DejaVu Sans, which has the Currency Symbols block.
inline constexpr const char* dejavu_sans_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// Adds ImGui's default font to the current context's atlas, then merges the Currency Symbols block
/// (U+20A0..U+20CF) of the TrueType font at `ttf_path` into it. False, with the default font alone,
/// when the file is missing or unreadable (money then shows the ISO code for those currencies).
bool add_fonts_with_currency_symbols(const std::string& ttf_path = dejavu_sans_path);

}  // namespace swaptwin::viewer
