// wormsim exercise with scripted input: situation reports at every pause, actions taken at a
// pause and logged, bad input answered with a message and another prompt (never a crash), and a
// replay.toml that `wormsim run` turns into the exercise's own bytes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/command.hpp"

using wormsim::test::read_file;
using wormsim::test::run_command;
using wormsim::test::scratch_dir;
using wormsim::test::wormsim_exe;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("exercise: scripted session with actions, bad input and a replay", "[e2e]") {
  const auto dir = scratch_dir("exercise");
  const auto script = dir / "script.txt";
  {
    std::ofstream s(script);
    s << "\n"                                                     // 30m
      << "do border-firewall populations=enterprise block_in=tcp/135,udp/135\n"
      << "do patch fix=ms03-026 coverage=2\n"                     // refused: coverage above 1
      << "do firewall\n"                                          // refused: no such kind
      << "frobnicate\n"                                           // unknown command
      << "do patch fix=ms03-026 = oops\n"                         // not key=value
      << "step -5m\n"                                             // refused: not positive
      << "help patch\n"
      << "step 30m\n"                                             // 1h
      << "do quarantine populations=home detect_after=10m\n"
      << "actions\n"
      << "run\n";
  }
  const auto out = dir / "out";
  // In a subshell: its own redirection of the input wins over run_command's </dev/null.
  std::string command = "(";
  command += wormsim_exe();
  command += " exercise scenarios/defences/blaster-border-blocking.toml --step 30m --out '";
  command += out.string();
  command += "' < '";
  command += script.string();
  command += "')";
  const auto r = run_command(command);
  CAPTURE(r.out, r.err);
  REQUIRE(r.status == 0);
  // Reports at 0, 30m, 1h and the end (4h).
  CHECK(count(r.out, "\n== ") == 4);
  CHECK(r.out.find("== 16:30 UTC, 30m into the scenario ==") != std::string::npos);
  CHECK(r.out.find("== 20:00 UTC, 4h into the scenario ==") != std::string::npos);
  CHECK(r.out.find("taken at 30m: do border-firewall") != std::string::npos);
  CHECK(r.out.find("taken at 1h: do quarantine") != std::string::npos);
  CHECK(r.out.find("coverage: expected a probability from 0 to 1") != std::string::npos);
  CHECK(r.out.find("expected a defence (one of:") != std::string::npos);
  CHECK(r.out.find("unknown command \"frobnicate\"") != std::string::npos);
  CHECK(r.out.find("expected key=value") != std::string::npos);
  CHECK(r.out.find("step: expected a positive duration") != std::string::npos);
  CHECK(r.out.find("fix ") != std::string::npos);  // help patch lists its keys
  CHECK(r.out.find("exercise over at 4h; 2 actions taken") != std::string::npos);
  // The replay: the scenario with the two actions gives the exercise's bytes.
  const std::string replay = read_file(out / "replay.toml");
  CHECK(count(replay, "[[action]]") == 2);
  CHECK(replay.find("at = \"30m\"") != std::string::npos);
  CHECK(replay.find("at = \"1h\"") != std::string::npos);
  const auto again = dir / "again";
  REQUIRE(run_command(wormsim_exe() + " run '" + (out / "replay.toml").string() +
                      "' --replications 1 --out '" + again.string() + "'")
              .status == 0);
  CHECK(read_file(again / "curves.csv") == read_file(out / "curves.csv"));
  CHECK(read_file(again / "actions.csv") == read_file(out / "actions.csv"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("exercise: a bad step or file is bad input", "[e2e]") {
  CHECK(run_command(wormsim_exe() + " exercise scenarios/codered/codered-v2-2001-07-19.toml "
                                    "--step 0s < /dev/null")
            .status == 2);
  CHECK(run_command(wormsim_exe() + " exercise no-such-file.toml < /dev/null").status == 2);
  CHECK(run_command(wormsim_exe() + " exercise tests/bad_input/64-thirty-three-patch-policies.toml"
                                    " < /dev/null")
            .status == 2);
}
