#include "app/commands/line_editor.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace wormsim::app {

std::string common_prefix(const std::vector<std::string>& words) {
  if (words.empty()) return {};
  std::string p = words.front();
  for (const auto& w : words) {
    std::size_t i = 0;
    while (i < p.size() && i < w.size() && p[i] == w[i]) ++i;
    p.resize(i);
  }
  return p;
}

LineEditor::LineEditor(Completer completer)
    : completer_(std::move(completer)), interactive_(isatty(0) && isatty(1)) {}

std::optional<std::string> LineEditor::read_line(const std::string& prompt) {
  if (interactive_) return read_raw(prompt);
  std::fputs(prompt.c_str(), stdout);
  std::fflush(stdout);
  std::string line;
  if (!std::getline(std::cin, line)) {
    std::fputs("\n", stdout);
    return std::nullopt;
  }
  // Echo scripted input so that a transcript reads like a session.
  std::fputs(line.c_str(), stdout);
  std::fputs("\n", stdout);
  return line;
}

namespace {

/// Raw mode for the lifetime of the object: no echo, no line buffering; signals kept.
class RawMode {
 public:
  RawMode() {
    ok_ = tcgetattr(0, &saved_) == 0;
    if (!ok_) return;
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(0, TCSAFLUSH, &raw);
  }
  ~RawMode() {
    if (ok_) tcsetattr(0, TCSAFLUSH, &saved_);
  }
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;

 private:
  termios saved_{};
  bool ok_ = false;
};

int read_char() {
  unsigned char c = 0;
  return read(0, &c, 1) == 1 ? c : -1;
}

}  // namespace

std::optional<std::string> LineEditor::read_raw(const std::string& prompt) {
  RawMode raw;
  std::string line;
  std::size_t cursor = 0;
  std::size_t hist = history_.size();
  auto redraw = [&] {
    std::string out = "\r\x1b[K" + prompt + line;
    if (cursor < line.size()) out += "\x1b[" + std::to_string(line.size() - cursor) + "D";
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  };
  redraw();
  for (;;) {
    const int c = read_char();
    if (c < 0) return std::nullopt;
    if (c == '\r' || c == '\n') {
      std::fputs("\n", stdout);
      if (!line.empty()) history_.push_back(line);
      return line;
    }
    if (c == 4) {  // Ctrl-D: end of input on an empty line
      if (line.empty()) {
        std::fputs("\n", stdout);
        return std::nullopt;
      }
      continue;
    }
    if (c == 3) {  // Ctrl-C: drop the line
      line.clear();
      cursor = 0;
      std::fputs("^C\n", stdout);
      redraw();
      continue;
    }
    if (c == 127 || c == 8) {
      if (cursor > 0) line.erase(--cursor, 1);
    } else if (c == 1) {
      cursor = 0;
    } else if (c == 5) {
      cursor = line.size();
    } else if (c == 21) {
      line.erase(0, cursor);
      cursor = 0;
    } else if (c == '\t') {
      const std::string before = line.substr(0, cursor);
      const auto options = completer_(before);
      const std::size_t start = before.find_last_of(' ') == std::string::npos
                                    ? 0
                                    : before.find_last_of(' ') + 1;
      if (options.size() == 1) {
        line.replace(start, cursor - start, options.front());
        cursor = start + options.front().size();
      } else if (options.size() > 1) {
        const std::string common = common_prefix(options);
        if (common.size() > cursor - start) {
          line.replace(start, cursor - start, common);
          cursor = start + common.size();
        } else {
          std::string list = "\n";
          for (const auto& o : options) list += o + "  ";
          std::fputs((list + "\n").c_str(), stdout);
        }
      }
    } else if (c == 27) {  // escape sequences: arrows
      if (read_char() != '[') continue;
      const int k = read_char();
      if (k == 'A' && hist > 0) {
        line = history_[--hist];
        cursor = line.size();
      } else if (k == 'B') {
        if (hist + 1 < history_.size()) {
          line = history_[++hist];
        } else {
          hist = history_.size();
          line.clear();
        }
        cursor = line.size();
      } else if (k == 'C' && cursor < line.size()) {
        ++cursor;
      } else if (k == 'D' && cursor > 0) {
        --cursor;
      }
    } else if (c >= 32 && c < 127) {
      line.insert(cursor++, 1, static_cast<char>(c));
    }
    redraw();
  }
}

}  // namespace wormsim::app
