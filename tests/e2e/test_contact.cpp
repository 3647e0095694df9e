// `wormsim contact` as a user meets it: a generated graph and an imported one, the output folder
// (curves.csv in the tidy layout of `wormsim run`, summary.json with per-replication figures and
// intervals, run.json), byte-identical outputs for 1 and 2 threads, and exit status 2 with a
// message for bad input.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/support/command.hpp"

using wormsim::test::read_file;
using wormsim::test::run_command;
using wormsim::test::scratch_dir;
using wormsim::test::wormsim_exe;

namespace {

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

std::string contact_args(int seed = 9) {
  return " contact --graph as-powerlaw --nodes 2000 --param m=3 --tau 0.5 --gamma 1 "
         "--initial-fraction 0.005 --replications 6 --sample-every 0.5 --seed " +
         std::to_string(seed);
}

}  // namespace

TEST_CASE("contact: a generated graph gives curves.csv, summary.json and run.json", "[e2e]") {
  const auto dir = scratch_dir("contact-run");
  const auto r = run_command(wormsim_exe() + contact_args() + " --threads 2 --output '" +
                             dir.string() + "/out'");
  CAPTURE(r.out, r.err);
  REQUIRE(r.status == 0);
  CHECK(has(r.out, "2000 nodes, 5994 edges"));
  CHECK(has(r.out, "final size"));
  CHECK(has(r.out, "peak time"));

  const std::string curves = read_file(dir / "out" / "curves.csv");
  CHECK(curves.rfind("time,replication,metric,value\n0,0,susceptible,1990\n0,0,infected,10\n"
                     "0,0,recovered,0\n0.5,0,susceptible,",
                     0) == 0);
  CHECK(has(curves, "\n1.5,5,recovered,"));

  const auto summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  CHECK(summary["schema_version"] == 1);
  CHECK(summary["model"] == "contact-sir");
  const auto& p = summary["parameters"];
  CHECK(p["graph"]["source"] == "as-powerlaw");
  CHECK(p["graph"]["seed"] == 1);
  CHECK(p["graph"]["parameters"]["m"] == "3");
  CHECK(p["graph"]["nodes"] == 2000);
  CHECK(p["graph"]["edges"] == 5994);
  CHECK(p["tau"] == 0.5);
  CHECK(p["gamma"] == 1.0);
  CHECK(p["initial_fraction"] == 0.005);
  CHECK(p["initial_infected"] == 10);
  CHECK(p["seed"] == 9);
  CHECK(p["sample_every"] == 0.5);
  REQUIRE(summary["replications"].size() == 6);
  double total = 0;
  for (const auto& rep : summary["replications"]) {
    const int size = rep["final_size"];
    CHECK(size >= 10);
    CHECK(size <= 2000);
    CHECK(rep["peak_infected"].get<int>() >= 10);
    CHECK(rep["peak_time"].get<double>() <= rep["end_time"].get<double>());
    // The last row of each replication is the final state: R equals the final size.
    std::ostringstream last;
    last << ',' << rep["replication"].get<int>() << ",recovered," << size << '\n';
    CHECK(has(curves, last.str()));
    total += size;
  }
  const auto& agg = summary["aggregate"]["final_size"];
  CHECK(agg["n"] == 6);
  CHECK(agg["mean"].get<double>() == Approx(total / 6));
  CHECK(agg["ci95_low"].get<double>() <= agg["mean"].get<double>());
  CHECK(agg["ci95_high"].get<double>() >= agg["mean"].get<double>());
  CHECK(summary["aggregate"]["peak_time"]["n"] == 6);

  const auto run = nlohmann::json::parse(read_file(dir / "out" / "run.json"));
  CHECK(run["threads"] == 2);
  CHECK(run.contains("wall_seconds"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("contact: outputs are byte-identical for 1 and 2 threads and differ across seeds",
          "[e2e]") {
  const auto dir = scratch_dir("contact-threads");
  std::string curves[3], summaries[3];
  const std::string args[3] = {contact_args() + " --threads 1", contact_args() + " --threads 2",
                               contact_args(10) + " --threads 2"};
  for (int i = 0; i < 3; ++i) {
    const auto out = dir / std::to_string(i);
    const auto r = run_command(wormsim_exe() + args[i] + " --output '" + out.string() + "'");
    CAPTURE(i, r.err);
    REQUIRE(r.status == 0);
    curves[i] = read_file(out / "curves.csv");
    summaries[i] = read_file(out / "summary.json");
  }
  REQUIRE(curves[0].size() > 1000);
  CHECK(curves[0] == curves[1]);
  CHECK(summaries[0] == summaries[1]);
  CHECK(curves[0] != curves[2]);
  std::filesystem::remove_all(dir);
}

TEST_CASE("contact: an imported GraphML file and a transit-stub generator", "[e2e]") {
  const auto dir = scratch_dir("contact-import");
  const auto r = run_command(wormsim_exe() +
                             " contact --graph tests/unit/net/data/multigraph.graphml --tau 3 "
                             "--initial 1 --replications 3 --output '" +
                             dir.string() + "/a'");
  CAPTURE(r.out, r.err);
  REQUIRE(r.status == 0);
  // The file's four nodes and three links (parallel circuits merged); no internet node added.
  CHECK(has(r.out, "(GraphML): 4 nodes, 3 edges"));
  const auto summary = nlohmann::json::parse(read_file(dir / "a" / "summary.json"));
  CHECK(summary["parameters"]["graph"]["seed"].is_null());
  CHECK(summary["parameters"]["graph"]["nodes"] == 4);

  const auto ts = run_command(wormsim_exe() +
                              " contact --graph transit-stub --nodes 600 --graph-seed 4 "
                              "--param core_link_probability=1 --initial 2 --output '" +
                              dir.string() + "/b'");
  CAPTURE(ts.out, ts.err);
  REQUIRE(ts.status == 0);
  const auto s2 = nlohmann::json::parse(read_file(dir / "b" / "summary.json"));
  CHECK(s2["parameters"]["graph"]["seed"] == 4);
  CHECK(s2["parameters"]["graph"]["parameters"]["core_link_probability"] == "1");
  CHECK(s2["parameters"]["graph"]["nodes"].get<int>() >= 600);
  std::filesystem::remove_all(dir);
}

TEST_CASE("contact: bad input exits 2 with a message that says what was expected", "[e2e]") {
  const auto dir = scratch_dir("contact-bad");
  const std::string out = " --output '" + dir.string() + "/out'";
  const struct {
    std::string args;
    std::string message;
  } cases[] = {
      {" contact --graph as-powerlow", "did you mean \"as-powerlaw\"?"},
      {" contact --graph no-such-file.graphml",
       "expected a generator (transit-stub, as-powerlaw, "
       "campus) or a topology file"},
      {" contact --graph as-powerlaw --tau -0.5",
       "--tau: expected a transmission rate of 0 or "
       "more, got -0.5"},
      {" contact --graph as-powerlaw --gamma -1", "--gamma: expected a recovery rate"},
      {" contact --graph as-powerlaw --initial-fraction 1.5",
       "--initial-fraction: expected a fraction from 0 to 1, got 1.5"},
      {" contact --graph as-powerlaw --initial-fraction -0.1", "expected a fraction from 0 to 1"},
      {" contact --graph as-powerlaw --initial 5 --initial-fraction 0.1", "not both"},
      {" contact --graph as-powerlaw --nodes 50 --initial 51",
       "--initial: expected at most the graph's 50 nodes, got 51"},
      {" contact --graph as-powerlaw --sample-every 0", "--sample-every: expected a positive"},
      {" contact --graph as-powerlaw --initial 20 --sample-every 1e-12",
       "--sample-every: a sample every 1e-12 up to the last event at"},
      {" contact --graph as-powerlaw --param m=0", "parameter m: expected a whole number"},
      {" contact --graph as-powerlaw --param mm=3", "no parameter 'mm'"},
      {" contact --graph tests/unit/net/data/multigraph.graphml --nodes 10",
       "apply to the generators"},
      {" contact --graph tests/unit/net/data/traffic.csv", "error"},
  };
  for (const auto& c : cases) {
    const auto r = run_command(wormsim_exe() + c.args + out);
    CAPTURE(c.args, r.out, r.err);
    CHECK(r.status == 2);
    CHECK(has(r.err, c.message));
  }
  // Usage errors from the command line itself; --help is not one.
  const auto help = run_command(wormsim_exe() + " contact --help");
  CHECK(help.status == 0);
  CHECK(has(help.out, "--initial-fraction"));
  CHECK(run_command(wormsim_exe() + " contact" + out).status == 2);
  CHECK(run_command(wormsim_exe() + " contact --graph as-powerlaw --tau x" + out).status == 2);
  CHECK(run_command(wormsim_exe() + " contact --graph as-powerlaw --replications 0" + out).status ==
        2);
  std::filesystem::remove_all(dir);
}
