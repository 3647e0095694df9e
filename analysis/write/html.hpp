// Text for report.html (DESIGN.md, "Outputs"): escaping of everything that comes from a scenario
// or an output file (names, labels, paths), so that no input can break the page's markup.
#pragma once

#include <fmt/format.h>
#include <cmath>
#include <string>
#include <string_view>

namespace wormsim::analysis {

/// `text` with &, <, >, " and ' replaced by character references: safe in element content and in
/// quoted attribute values.
inline std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

/// `v` with `decimals` decimals and commas between thousands ("1,234,567.5"); never "-0".
inline std::string with_commas(double v, int decimals = 0) {
  const std::string text = fmt::format("{:.{}f}", std::abs(v), decimals);
  const std::size_t point = text.find('.');
  const std::size_t whole = point == std::string::npos ? text.size() : point;
  std::string out = v < 0 && text.find_first_of("123456789") != std::string::npos ? "-" : "";
  for (std::size_t i = 0; i < whole; ++i) {
    if (i > 0 && (whole - i) % 3 == 0) out.push_back(',');
    out.push_back(text[i]);
  }
  out.append(text, whole, std::string::npos);
  return out;
}

}  // namespace wormsim::analysis
