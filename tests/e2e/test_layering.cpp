// Layers depend downwards only (DESIGN.md, "Layers"): sim/ includes nothing from net/, models/,
// analysis/ or app/; net/ nothing from models/, analysis/ or app/; models/ nothing from analysis/
// or app/; analysis/ nothing from app/.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {
std::vector<std::string> violations(const std::string& layer,
                                    const std::vector<std::string>& banned) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(WORMSIM_SOURCE_DIR) / layer)) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension();
    if (ext != ".hpp" && ext != ".cpp" && ext != ".in") continue;
    std::ifstream in(entry.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      // `#include "layer/...`: the folder before the first slash names the layer.
      const auto hash = line.find_first_not_of(" \t");
      if (hash == std::string::npos || line[hash] != '#') continue;
      const auto quote = line.find('"', hash);
      if (line.find("include", hash) == std::string::npos || quote == std::string::npos) continue;
      const auto slash = line.find('/', quote);
      if (slash == std::string::npos) continue;
      const std::string layer_name = line.substr(quote + 1, slash - quote - 1);
      for (const auto& b : banned)
        if (layer_name == b)
          found.push_back(entry.path().string() + ":" + std::to_string(n) + ": " + line);
    }
  }
  return found;
}
}  // namespace

TEST_CASE("layers: sim includes no higher layer", "[e2e]") {
  const auto v = violations("sim", {"net", "models", "analysis", "app", "scenarios"});
  CAPTURE(v);
  CHECK(v.empty());
}

TEST_CASE("layers: net includes sim at most", "[e2e]") {
  const auto v = violations("net", {"models", "analysis", "app", "scenarios"});
  CAPTURE(v);
  CHECK(v.empty());
}

TEST_CASE("layers: models includes neither analysis nor app", "[e2e]") {
  const auto v = violations("models", {"analysis", "app"});
  CAPTURE(v);
  CHECK(v.empty());
}

TEST_CASE("layers: analysis does not include app", "[e2e]") {
  const auto v = violations("analysis", {"app"});
  CAPTURE(v);
  CHECK(v.empty());
}

TEST_CASE("layers: the check sees includes (it is not vacuous)", "[e2e]") {
  // sim/ files include sim/ headers; searching for them must find some.
  CHECK_FALSE(violations("sim", {"sim"}).empty());
}
