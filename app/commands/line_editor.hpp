// A small line editor for the exercise prompt: on a terminal, raw-mode editing with Tab
// completion, history (up and down arrows), left and right arrows, backspace, Ctrl-A/E/U/C/D;
// from a pipe or file, plain lines (scripted exercises). Written here rather than linking a
// line-editing library: the common one is GPL, and this needs little.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace wormsim::app {

class LineEditor {
 public:
  /// Completions of the line's text before the cursor: each a full replacement of the word
  /// being typed (the text after the last space).
  using Completer = std::function<std::vector<std::string>(const std::string& line)>;

  explicit LineEditor(Completer completer);
  /// Whether input comes from a terminal (then the editor edits; else it reads lines).
  bool interactive() const { return interactive_; }
  /// Prints `prompt`, reads one line; nullopt at the end of input (Ctrl-D on an empty line).
  std::optional<std::string> read_line(const std::string& prompt);

 private:
  std::optional<std::string> read_raw(const std::string& prompt);
  Completer completer_;
  bool interactive_ = false;
  std::vector<std::string> history_;
};

/// The common prefix of `words` ("" for none).
std::string common_prefix(const std::vector<std::string>& words);

}  // namespace wormsim::app
