#include "models/scenario/diagnostics.hpp"

#include <fmt/format.h>
#include <algorithm>

namespace wormsim::models {

std::string Diagnostic::format() const {
  std::string out = file;
  if (line > 0) out += fmt::format(":{}:{}", line, column);
  out += ": error: ";
  if (!table.empty()) out += fmt::format("[{}] ", table);
  if (!key.empty()) out += fmt::format("{}: ", key);
  out += message;
  return out;
}

std::string Diagnostics::format() const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  std::string out;
  for (const auto& d : sorted) out += d.format() + "\n";
  return out;
}

}  // namespace wormsim::models
