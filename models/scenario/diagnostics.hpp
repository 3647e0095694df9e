// Bad input is the user's (STYLE.md, "Errors"): every problem in a scenario is collected before
// anything runs and reported in file order as `file:line:col: error: [table] key: message`.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace wormsim::models {

struct Diagnostic {
  std::string file;
  int line = 0;       ///< 1-based; 0 when the problem has no place in the file
  int column = 0;     ///< 1-based
  std::string table;  ///< "simulation", "population", ... or "" at the top level
  std::string key;
  std::string message;

  std::string format() const;
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  /// All problems, sorted by position in the file, one per line.
  std::string format() const;
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

/// Thrown when input is rejected; the program prints what() and exits with status 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace wormsim::models
