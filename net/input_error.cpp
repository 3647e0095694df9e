#include "net/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wormsim::net {

std::string Problem::format() const {
  if (line == 0) return fmt::format("{}: error: {}", file, message);
  if (column == 0) return fmt::format("{}:{}: error: {}", file, line, message);
  return fmt::format("{}:{}:{}: error: {}", file, line, column, message);
}

void Problems::add(std::size_t line, std::size_t column, std::string message) {
  items_.push_back(Problem{file_, line, column, std::move(message)});
}

void Problems::throw_if_any() const {
  if (items_.empty()) return;
  std::vector<Problem> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  constexpr std::size_t kListed = 20;
  std::string text;
  for (std::size_t i = 0; i < sorted.size() && i < kListed; ++i) {
    text += sorted[i].format();
    text += '\n';
  }
  if (sorted.size() > kListed)
    text += fmt::format("{}: error: ... and {} more problems\n", file_, sorted.size() - kListed);
  throw InputError(text);
}

}  // namespace wormsim::net
