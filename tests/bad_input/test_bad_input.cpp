// Bad input is the user's (DESIGN.md, "Bad input"; STYLE.md, "Errors"): every broken scenario in
// this folder must make `wormsim validate` print exactly the messages of its .expected file and
// exit with status 2; usage mistakes exit 2, environment failures exit 1; and no text at all,
// however mangled, may make the loader do anything but return a scenario or throw InputError.
// After a deliberate change of messages, run tests/bad_input/refresh_expected.sh and review the
// diff.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/loader.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kSourceDir = WORMSIM_SOURCE_DIR;
const fs::path kCorpusDir = kSourceDir / "tests" / "bad_input";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Single-quotes a word for /bin/sh.
std::string sh_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// A scratch folder of this process, removed when the test that made it ends.
struct ScratchDir {
  fs::path path;
  explicit ScratchDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("wormsim-bad-input-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
};

struct Outcome {
  int status = -1;  ///< exit status, or -1 if the process did not exit normally (a crash)
  std::string err;
};

/// Runs `wormsim ARGS` from the repository root (so relative paths in messages are the ones a
/// user would type) and captures its standard error.
Outcome run_wormsim(const std::string& args) {
  const ScratchDir scratch("stderr");
  const fs::path err_file = scratch.path / "stderr.txt";
  const std::string command = "cd " + sh_quote(kSourceDir.string()) + " && " +
                              sh_quote(WORMSIM_BINARY) + " " + args + " >/dev/null 2>" +
                              sh_quote(err_file.string());
  const int raw = std::system(command.c_str());
  Outcome o;
  if (raw != -1 && WIFEXITED(raw)) o.status = WEXITSTATUS(raw);
  o.err = read_file(err_file);
  return o;
}

/// The corpus, sorted by name: every tests/bad_input/*.toml.
std::vector<std::string> corpus_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCorpusDir))
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// A small valid scenario, for the checks that need the loader to succeed.
constexpr const char* kSmallValidScenario = R"(# A small valid scenario.
[simulation]
duration = "1m"

[address_space]
prefix = "10.0.0.0/16"

[[population]]
count = 100
placement = { per = "/24", mean_per_block = 10 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]

[worm]
model = "codered-v2"
initial_infected = 1
probe_rate = "6/s"
)";

}  // namespace

TEST_CASE("bad_input: the corpus has at least 24 cases, each with its expected messages", "[e2e]") {
  // Every NN-name.toml opens with a one-line comment saying what is wrong and has an
  // NN-name.expected beside it; no .expected is left without its .toml.
  const auto names = corpus_names();
  CHECK(names.size() >= 24);
  for (const auto& name : names) {
    CAPTURE(name);
    CHECK(fs::is_regular_file(kCorpusDir / (name + ".expected")));
    CHECK(read_file(kCorpusDir / (name + ".toml")).rfind("# ", 0) == 0);
  }
  for (const auto& entry : fs::directory_iterator(kCorpusDir)) {
    if (entry.path().extension() != ".expected") continue;
    CAPTURE(entry.path().filename().string());
    CHECK(fs::is_regular_file(fs::path(entry.path()).replace_extension(".toml")));
  }
}

TEST_CASE("bad_input: wormsim validate prints exactly the expected messages and exits 2", "[e2e]") {
  // One section per corpus file, so a failure names the file; stderr must match byte for byte
  // (every problem, in file order, in the format of STYLE.md).
  for (const auto& name : corpus_names()) {
    DYNAMIC_SECTION(name) {
      const std::string file = "tests/bad_input/" + name + ".toml";
      const Outcome o = run_wormsim("validate " + sh_quote(file));
      CHECK(o.status == 2);
      CHECK(o.err == read_file(kCorpusDir / (name + ".expected")));
      CHECK(o.err.rfind(file + ":", 0) == 0);
    }
  }
}

TEST_CASE("bad_input: a missing scenario file exits 2 with a message naming the path", "[e2e]") {
  const Outcome o = run_wormsim("validate tests/bad_input/no-such-scenario.toml");
  CHECK(o.status == 2);
  CHECK(o.err.rfind("tests/bad_input/no-such-scenario.toml: error: cannot read the scenario "
                    "file: ",
                    0) == 0);
  CHECK(o.err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("bad_input: a directory given as the scenario file exits 2 with a message naming it",
          "[e2e]") {
  const Outcome o = run_wormsim("validate tests/bad_input");
  CHECK(o.status == 2);
  CHECK(o.err == "tests/bad_input: error: cannot read the scenario file: Is a directory\n");
  const Outcome r = run_wormsim("run tests/bad_input --out /nonexistent/never-written");
  CHECK(r.status == 2);
  CHECK(r.err.rfind("tests/bad_input: error: cannot read the scenario file:", 0) == 0);
}

TEST_CASE("bad_input: a path under a regular file exits 2 naming the path", "[e2e]") {
  const ScratchDir scratch("not-a-dir");
  std::ofstream(scratch.path / "file") << "x";
  const std::string path = (scratch.path / "file" / "scenario.toml").string();
  const Outcome o = run_wormsim("validate " + sh_quote(path));
  CHECK(o.status == 2);
  CHECK(o.err.rfind(path + ": error: cannot read the scenario file: ", 0) == 0);
}

TEST_CASE("bad_input: an unknown subcommand or option exits 2", "[e2e]") {
  CHECK(run_wormsim("frobnicate").status == 2);
  CHECK(run_wormsim("validat tests/bad_input/01-not-toml.toml").status == 2);
  CHECK(run_wormsim("validate --no-such-option tests/bad_input/01-not-toml.toml").status == 2);
  CHECK(run_wormsim("run --no-such-option").status == 2);
  CHECK(run_wormsim("validate").status == 2);
}

TEST_CASE("bad_input: a valid scenario passes validate with status 0", "[e2e]") {
  // The control for the corpus: the checks reject the broken files, not every file.
  const ScratchDir scratch("valid");
  std::ofstream(scratch.path / "small.toml") << kSmallValidScenario;
  const Outcome o = run_wormsim("validate " + sh_quote((scratch.path / "small.toml").string()));
  CHECK(o.status == 0);
  CHECK(o.err.empty());
  CHECK(run_wormsim("validate scenarios/codered/codered-v2-2001-07-19.toml").status == 0);
}

TEST_CASE("bad_input: run --variant with a name the file does not have exits 2", "[e2e]") {
  // Checked before anything is written: the output folder is never created.
  const ScratchDir scratch("variant");
  std::ofstream(scratch.path / "plain.toml") << kSmallValidScenario;
  std::ofstream(scratch.path / "variants.toml")
      << kSmallValidScenario
      << "\n[[variant]]\nname = \"mappings-removed\"\n[[variant.action]]\nat = \"30s\"\n"
         "do = \"remove-mappings\"\n";
  const std::string out = sh_quote((scratch.path / "out").string());
  const Outcome typo = run_wormsim("run " + sh_quote((scratch.path / "variants.toml").string()) +
                                   " --variant mappings-remove --out " + out);
  CHECK(typo.status == 2);
  CHECK(typo.err.find("--variant: expected a variant of ") != std::string::npos);
  CHECK(typo.err.find("(one of: mappings-removed), got \"mappings-remove\"; did you mean "
                      "\"mappings-removed\"?") != std::string::npos);
  const Outcome none = run_wormsim("run " + sh_quote((scratch.path / "plain.toml").string()) +
                                   " --variant mappings-removed --out " + out);
  CHECK(none.status == 2);
  CHECK(none.err.find("the scenario has no [[variant]] tables") != std::string::npos);
  CHECK_FALSE(fs::exists(scratch.path / "out"));
}

TEST_CASE("bad_input: run with an output folder that cannot be created exits 1", "[e2e]") {
  // The environment, not the input, is at fault: status 1, and the message names the folder.
  const ScratchDir scratch("unwritable");
  std::ofstream(scratch.path / "small.toml") << kSmallValidScenario;
  std::ofstream(scratch.path / "file") << "x";
  const std::string out = (scratch.path / "file" / "out").string();
  const Outcome o = run_wormsim("run " + sh_quote((scratch.path / "small.toml").string()) +
                                " --out " + sh_quote(out));
  CHECK(o.status == 1);
  CHECK(o.err.find(out) != std::string::npos);
}

namespace {

enum class Verdict { loaded, rejected, other_exception };

/// Loads the text in process: a scenario, or an InputError, and nothing else.
Verdict load(const std::string& text, std::string& what) {
  try {
    (void)wormsim::models::load_scenario_text(text, "fuzz.toml");
    return Verdict::loaded;
  } catch (const wormsim::models::InputError& e) {
    what = e.what();
    return Verdict::rejected;
  } catch (const std::exception& e) {
    what = std::string("std::exception: ") + e.what();
    return Verdict::other_exception;
  } catch (...) {
    what = "an exception of unknown type";
    return Verdict::other_exception;
  }
}

}  // namespace

TEST_CASE("bad_input: truncated or mutated scenario text is loaded or rejected, never more",
          "[models]") {
  // The loader's whole contract on bad input: return a Scenario or throw InputError whose
  // message is non-empty, one diagnostic per line. Any other exception fails here; a crash
  // kills this test. Inputs: the Code Red scenario cut at every line boundary, then a fixed,
  // seeded series of single-byte replacements, insertions and deletions.
  const std::string original =
      read_file(kSourceDir / "scenarios" / "codered" / "codered-v2-2001-07-19.toml");
  REQUIRE(!original.empty());
  std::string what;
  REQUIRE(load(original, what) == Verdict::loaded);

  std::size_t rejected = 0;
  std::size_t cases = 0;
  auto check = [&](const std::string& text) {
    ++cases;
    what.clear();
    const Verdict v = load(text, what);
    if (v == Verdict::other_exception) FAIL_CHECK("the loader threw " << what);
    if (v == Verdict::rejected) {
      ++rejected;
      CHECK(!what.empty());
      CHECK(what.back() == '\n');
      CHECK(what.rfind("fuzz.toml", 0) == 0);
    }
  };

  SECTION("every truncation at a line boundary") {
    for (std::size_t i = 0; i <= original.size(); ++i) {
      if (i != 0 && i != original.size() && original[i - 1] != '\n') continue;
      CAPTURE(i);
      check(original.substr(0, i));
    }
    CHECK(rejected > 0);
  }

  SECTION("seeded single-byte mutations") {
    // Bytes that matter to TOML and to the loader's own parsers, plus any byte at all.
    const std::string palette = "0123456789-+._/:=\"'[]{},#\n\t zZeTshmd\\";
    constexpr std::uint32_t kSeed = 20010719;
    constexpr int kMutations = 600;
    std::mt19937 rng(kSeed);
    for (int m = 0; m < kMutations; ++m) {
      std::string text = original;
      const std::size_t pos = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
      const int kind = std::uniform_int_distribution<int>(0, 2)(rng);
      char byte;
      if (std::uniform_int_distribution<int>(0, 3)(rng) == 0)
        byte = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
      else
        byte = palette[std::uniform_int_distribution<std::size_t>(0, palette.size() - 1)(rng)];
      if (kind == 0)
        text[pos] = byte;
      else if (kind == 1)
        text.insert(pos, 1, byte);
      else
        text.erase(pos, 1);
      CAPTURE(kSeed, m, pos, kind, static_cast<int>(static_cast<unsigned char>(byte)));
      check(text);
    }
    CHECK(rejected > 0);
  }
  CAPTURE(cases, rejected);
}

TEST_CASE("bad_input: every corpus file is rejected by the loader in process as well", "[models]") {
  // The same files through load_scenario_text: InputError with one line per diagnostic, and
  // exactly the messages the program prints.
  for (const auto& name : corpus_names()) {
    CAPTURE(name);
    const std::string display = "tests/bad_input/" + name + ".toml";
    std::string what;
    const Verdict v = load(read_file(kCorpusDir / (name + ".toml")), what);
    REQUIRE(v == Verdict::rejected);
    // load() names the text fuzz.toml; compare after putting the display name back.
    std::string expected = read_file(kCorpusDir / (name + ".expected"));
    std::string renamed;
    std::istringstream lines(expected);
    for (std::string line; std::getline(lines, line);)
      renamed +=
          (line.rfind(display, 0) == 0 ? "fuzz.toml" + line.substr(display.size()) : line) + "\n";
    CHECK(what == renamed);
  }
}
