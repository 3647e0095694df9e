// Helpers of the net/ unit tests: paths of fixtures and of the shared real data, and the message
// of an InputError.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "net/input_error.hpp"

namespace wormsim::test {

/// A fixture of tests/unit/net/data.
inline std::filesystem::path net_fixture(const std::string& name) {
  return std::filesystem::path(WORMSIM_SOURCE_DIR) / "tests" / "unit" / "net" / "data" / name;
}

/// A file of the shared real data (Topology Zoo, AS graphs), which is not part of the repository:
/// WORMSIM_DATA_DIR (CMake cache variable) says where it is. Empty if it is not there, and the
/// test that needs it then says so with WARN and checks nothing more.
inline std::filesystem::path shared_data(const std::string& relative) {
  const auto p = std::filesystem::path(WORMSIM_DATA_DIR) / relative;
  return std::filesystem::exists(p) ? p : std::filesystem::path();
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The message of the InputError `call` throws; "" if it returns, "other exception: ..." if it
/// throws anything else (which the caller's check then shows).
template <class Call>
std::string input_error_of(Call&& call) {
  try {
    call();
  } catch (const net::InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("other exception: ") + e.what();
  }
  return "";
}

}  // namespace wormsim::test
