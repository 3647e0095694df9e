// Bad topology input is the user's (DESIGN.md, "Bad input"; STYLE.md, "Errors"): importers collect
// the problems of a file and throw one InputError whose text names the file, the line and column
// where known, and what was expected. The command line prints it and exits with status 2.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace wormsim::net {

/// Thrown when a topology file, a traffic file or a generator setting is rejected. what() holds
/// one problem per line, each `file:line:col: error: message` (line and column when known).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One problem in an input file; line and column are 1-based, 0 when unknown.
struct Problem {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;

  /// `file:line:col: error: message`, leaving out the parts that are unknown.
  std::string format() const;
};

/// Collects the problems of one file, in the order found, and throws them together.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(std::size_t line, std::size_t column, std::string message);
  bool empty() const { return items_.empty(); }
  const std::vector<Problem>& items() const { return items_; }
  /// Throws InputError with every problem (sorted by position; at most 20 listed, then a count
  /// of the rest) if there is any.
  void throw_if_any() const;

 private:
  std::string file_;
  std::vector<Problem> items_;
};

}  // namespace wormsim::net
