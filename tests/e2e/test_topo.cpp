// `wormsim topo` as a user meets it: summaries of imported and generated topologies, the Topology
// Zoo attribution, byte-identical outputs for a seed, GraphML that reads back, and the exit
// statuses of DESIGN.md — 2 for bad files and settings (never a crash), 1 for an unwritable
// output.
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

const std::string kFixtures = "tests/unit/net/data/";

std::string shared_data(const std::string& relative) {
  const std::string p = std::string(WORMSIM_DATA_DIR) + "/" + relative;
  return std::filesystem::exists(p) ? p : "";
}

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

}  // namespace

TEST_CASE("topo: a Topology Zoo file prints its summary and the Zoo's attribution", "[e2e]") {
  const std::string geant = shared_data("topologyzoo/Geant2001.graphml");
  if (geant.empty()) {
    WARN("skipped: Topology Zoo data not found under WORMSIM_DATA_DIR");
    return;
  }
  const auto r = run_command(wormsim_exe() + " topo '" + geant + "'");
  CAPTURE(r.out, r.err);
  REQUIRE(r.status == 0);
  CHECK(has(r.out, "Topology: Internet Topology Zoo (Knight et al., IEEE JSAC 2011), CC BY 4.0\n"));
  CHECK(has(r.out, "nodes        28: core 27, internet 1\n"));
  CHECK(has(r.out, "components   1\n"));
  CHECK(has(r.out, "internet     attached"));
}

TEST_CASE("topo: a planner's file is not attributed to the Zoo and its traffic is read", "[e2e]") {
  const auto r = run_command(wormsim_exe() + " topo " + kFixtures +
                             "multigraph.graphml --traffic " + kFixtures + "traffic.csv");
  CAPTURE(r.out, r.err);
  REQUIRE(r.status == 0);
  CHECK_FALSE(has(r.out, "Topology Zoo"));
  CHECK(has(r.out, "links        4 (1 of them merged from 3 parallel edges)"));
  CHECK(has(r.out, "background   2 links loaded; busiest gw - core1 at 33.8% of capacity"));
  CHECK(has(r.out, "internet     attached, linked to 1 node(s): Gateway & firewall (gw)"));
}

TEST_CASE("topo: generated topologies are byte-identical for a seed and differ across seeds",
          "[e2e]") {
  const auto dir = scratch_dir("topo-generate");
  const auto run = [&dir](const std::string& name, int seed) {
    const std::string base = (dir / (name + std::to_string(seed))).string();
    const auto r =
        run_command(wormsim_exe() + " topo --generate " + name + " --seed " + std::to_string(seed) +
                    " --write-graphml '" + base + ".graphml' --write-dot '" + base + ".dot'");
    CAPTURE(r.out, r.err);
    REQUIRE(r.status == 0);
    return read_file(base + ".graphml") + read_file(base + ".dot");
  };
  for (const std::string name : {"transit-stub", "as-powerlaw", "campus"}) {
    CAPTURE(name);
    const std::string a = run(name, 7);
    CHECK(a == run(name, 7));
    CHECK(a != run(name, 8));
  }
  // What topo writes, topo reads: the generated campus keeps its internet node and counts.
  const auto back =
      run_command(wormsim_exe() + " topo '" + (dir / "campus7.graphml").string() + "'");
  CAPTURE(back.out, back.err);
  CHECK(back.status == 0);
  CHECK(has(back.out, "nodes        30: border 1, distribution 4, site 24, internet 1\n"));
  CHECK(has(back.out, "internet     in the source"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("topo: --nodes and --param shape a generated topology", "[e2e]") {
  const auto r =
      run_command(wormsim_exe() + " topo --generate as-powerlaw --nodes 300 --param m=3 --seed 2");
  CAPTURE(r.out, r.err);
  REQUIRE(r.status == 0);
  CHECK(has(r.out, "nodes        300:"));
  CHECK(has(r.out, "             m = 3\n"));
  const auto flat = run_command(wormsim_exe() + " topo --generate campus --param flat=true");
  CHECK(flat.status == 0);
  CHECK(has(flat.out, "nodes        3: border 1, site 1, internet 1\n"));
}

TEST_CASE("topo: the AS graph of 2 January 2000", "[e2e]") {
  const std::string as = shared_data("as-graphs/as20000102.txt");
  if (as.empty()) {
    WARN("skipped: AS graph data not found under WORMSIM_DATA_DIR");
    return;
  }
  const auto r = run_command(wormsim_exe() + " topo --as-graph '" + as + "'");
  CAPTURE(r.out, r.err);
  REQUIRE(r.status == 0);
  CHECK(has(r.out, "links        12572; 13895 edges in the file\n"));
  CHECK(has(r.out, "1323 self-loops"));
  CHECK(has(r.out, "internet     none"));
}

TEST_CASE("topo: truncated, garbage and missing files exit 2 naming the file, never crash",
          "[e2e]") {
  const auto dir = scratch_dir("topo-bad");
  const std::string text =
      read_file(std::string(WORMSIM_SOURCE_DIR) + "/" + kFixtures + "multigraph.graphml");
  const std::string truncated = (dir / "truncated.graphml").string();
  std::ofstream(truncated, std::ios::binary) << text.substr(0, text.size() / 2);
  const std::string garbage = (dir / "garbage.graphml").string();
  std::ofstream(garbage, std::ios::binary) << std::string("\x89PNG\r\n\x1a\n\0\0\0", 11);
  struct Case {
    std::string args;
    std::string expected;
  };
  const Case cases[] = {
      {" topo '" + truncated + "'", truncated + ":"},
      {" topo '" + garbage + "'", garbage + ":1:1: error: expected an XML document"},
      {" topo /no/such.graphml", "/no/such.graphml: error: cannot read"},
      {" topo --as-graph '" + truncated + "'",
       truncated + ":1:1: error: expected two node numbers"},
      {" topo " + kFixtures + "multigraph.graphml --traffic " + kFixtures + "multigraph.graphml",
       "multigraph.graphml:1:1: error: expected the header \"source,target,load\""},
      {" topo", "give one of FILE.graphml, --generate KIND or --as-graph FILE.txt"},
      {" topo " + kFixtures + "multigraph.graphml --generate campus", "give one of"},
      {" topo --generate mesh", "no generator of that name"},
      {" topo --generate campus --param segments", "expected KEY=VALUE"},
      {" topo --generate campus --param uplink_capacity=45", "expected a positive bandwidth"},
      {" topo " + kFixtures + "multigraph.graphml --seed 3", "apply to --generate only"},
      {" topo " + kFixtures + "multigraph.graphml --internet-capacity 10", "--internet-capacity"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args);
    const auto r = run_command(wormsim_exe() + c.args);
    CAPTURE(r.err);
    CHECK(r.status == 2);
    CHECK(has(r.err, c.expected));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("topo: an output that cannot be written exits 1", "[e2e]") {
  const auto r =
      run_command(wormsim_exe() + " topo --generate campus --write-dot /no/such/folder/out.dot");
  CHECK(r.status == 1);
  CHECK(has(r.err, "/no/such/folder/out.dot"));
}
