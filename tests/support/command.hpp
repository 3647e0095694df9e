// Runs a command through the shell for end-to-end tests, capturing stdout, stderr and the exit
// status. Test support only.
#pragma once

#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace wormsim::test {

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A fresh empty directory under the system temp folder, unique to this process and `name`.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("wormsim-test-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Runs `command` with /bin/sh in the repository root.
inline CommandResult run_command(const std::string& command) {
  const auto dir = scratch_dir("cmd");
  const auto out = dir / "stdout", err = dir / "stderr";
  const std::string full = "cd '" + std::string(WORMSIM_SOURCE_DIR) + "' && " + command + " >'" +
                           out.string() + "' 2>'" + err.string() + "' </dev/null";
  const int raw = std::system(full.c_str());
  CommandResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  std::filesystem::remove_all(dir);
  return r;
}

inline std::string wormsim_exe() {
  return std::string("'") + WORMSIM_BINARY + "'";
}

}  // namespace wormsim::test
