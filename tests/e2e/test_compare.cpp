// `wormsim compare` as a user meets it: columns run on common random numbers, so identical
// scenarios differ by exactly nothing and a smaller population shows a certain negative
// difference; compare.csv and compare.json do not depend on --threads; bad input exits 2.
// The scenarios are tiny (300 hosts in a /16, 30 simulated minutes) so that every test takes well
// under a second in a Release build and a few seconds under AddressSanitizer.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command.hpp"

using wormsim::test::read_file;
using wormsim::test::run_command;
using wormsim::test::scratch_dir;
using wormsim::test::wormsim_exe;

namespace {

/// A Code Red v2 outbreak among `count` IIS 5 servers on Windows 2000 SP1 (every one vulnerable)
/// in a 2^16 space: with 5 seeds probing 6/s, the infection rate per infected host is
/// 6 × count / 65,536 per second (0.027/s for 300 hosts), so the outbreak saturates within
/// minutes, far inside the 30-minute horizon.
std::string tiny_scenario(int count, std::uint64_t seed = 11) {
  std::string text = R"toml([simulation]
name = "tiny Code Red v2 (compare test)"
start = 2001-07-19T10:00:00Z
duration = "30m"
seed = SEED
sample_every = "1m"
partitions = 4
replications = 10

[address_space]
prefix = "10.0.0.0/16"

[[population]]
name = "iis"
count = COUNT
placement = { per = "/24", mean_per_block = 8 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]

[worm]
model = "codered-v2"
initial_infected = 5
probe_rate = "6/s"
)toml";
  text.replace(text.find("SEED"), 4, std::to_string(seed));
  text.replace(text.find("COUNT"), 5, std::to_string(count));
  return text;
}

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

/// compare.csv as column → figure → its nine fields.
using Rows = std::map<std::string, std::map<std::string, std::vector<std::string>>>;

Rows parse_csv(const std::string& text) {
  Rows rows;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  REQUIRE(line ==
          "column,figure,replications,mean,ci_low,ci_high,diff_mean,diff_ci_low,"
          "diff_ci_high");
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream cells(line);
    while (std::getline(cells, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    REQUIRE(fields.size() == 9);
    rows[fields[0]][fields[1]] = fields;
  }
  return rows;
}

std::string compare_command(const std::vector<std::filesystem::path>& files,
                            const std::filesystem::path& out, const std::string& extra = "") {
  std::string command = wormsim_exe() + " compare";
  for (const auto& f : files) {
    command += " '";
    command += f.string();
    command += "'";
  }
  command += " --out '";
  command += out.string();
  command += "' ";
  return command + extra;
}

}  // namespace

TEST_CASE("compare: two identical files differ by exactly zero with zero-width intervals",
          "[e2e]") {
  // Same scenario, same seed, same replication indices: every draw is the same, so every paired
  // difference is 0 — not merely small — and so is its interval.
  const auto dir = scratch_dir("compare-identical");
  write(dir / "a.toml", tiny_scenario(300));
  write(dir / "b.toml", tiny_scenario(300));
  const auto r = run_command(compare_command({dir / "a.toml", dir / "b.toml"}, dir / "out"));
  REQUIRE(r.status == 0);
  CHECK(r.out.find("final infected (hosts)") != std::string::npos);
  CHECK(r.out.find("Δ 0 [0, 0]") != std::string::npos);

  const Rows rows = parse_csv(read_file(dir / "out" / "compare.csv"));
  REQUIRE(rows.size() == 2);
  REQUIRE(rows.count("a") == 1);
  REQUIRE(rows.count("b") == 1);
  for (const auto& [figure, fields] : rows.at("a")) {
    CAPTURE(figure);
    CHECK(fields[6].empty());  // the first column has no difference
    CHECK(fields[7].empty());
    CHECK(fields[8].empty());
  }
  for (const auto& [figure, fields] : rows.at("b")) {
    CAPTURE(figure);
    CHECK(fields[2] == "10");
    CHECK(fields[3] == rows.at("a").at(figure)[3]);
    CHECK(fields[6] == "0");
    CHECK(fields[7] == "0");
    CHECK(fields[8] == "0");
  }

  const auto json = nlohmann::json::parse(read_file(dir / "out" / "compare.json"));
  CHECK(json["seed"] == 11);
  CHECK(json["replications"] == 10);
  REQUIRE(json["columns"].size() == 2);
  CHECK(json["columns"][1]["label"] == "b");
  CHECK(json["columns"][1]["hash_fnv1a64"] == json["columns"][0]["hash_fnv1a64"]);
  const auto& infected = json["results"][1]["figures"]["infected_total"];
  CHECK(infected["values"].size() == 10);
  CHECK(infected["difference"]["mean"] == 0.0);
  CHECK(infected["difference"]["ci95_low"] == 0.0);
  CHECK(infected["difference"]["ci95_high"] == 0.0);
  CHECK(json["results"][0]["figures"]["infected_total"]["difference"].is_null());
  CHECK(std::filesystem::exists(dir / "out" / "run.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("compare: fewer vulnerable hosts give a negative difference whose interval excludes 0",
          "[e2e]") {
  // The second file has 150 vulnerable hosts, so it can never infect more than 150; the first
  // has 300 and saturates within minutes of a 30-minute horizon (see tiny_scenario), so every
  // paired difference is about -150 and none can be positive. The sizes make the outcome
  // certain, not a matter of the seed.
  const auto dir = scratch_dir("compare-smaller");
  write(dir / "all.toml", tiny_scenario(300));
  write(dir / "half.toml", tiny_scenario(150));
  const auto r = run_command(compare_command({dir / "all.toml", dir / "half.toml"}, dir / "out"));
  REQUIRE(r.status == 0);
  const Rows rows = parse_csv(read_file(dir / "out" / "compare.csv"));
  const auto& infected = rows.at("half").at("infected_total");
  CAPTURE(infected);
  CHECK(std::stod(infected[3]) <= 150);
  CHECK(std::stod(rows.at("all").at("infected_total")[3]) > 280);
  CHECK(std::stod(infected[6]) < -100);
  CHECK(std::stod(infected[8]) < 0);  // the interval's upper end
  CHECK(std::stod(infected[7]) <= std::stod(infected[6]));
  std::filesystem::remove_all(dir);
}

TEST_CASE("compare: compare.csv and compare.json are the same bytes on 1 and 2 threads", "[e2e]") {
  // Results are stored by (column, replication), never in completion order; only run.json and
  // the wall times printed on stdout may differ.
  const auto dir = scratch_dir("compare-threads");
  write(dir / "all.toml", tiny_scenario(300));
  write(dir / "half.toml", tiny_scenario(150, 5));
  const std::vector<std::filesystem::path> files = {dir / "all.toml", dir / "half.toml"};
  const auto one = run_command(compare_command(files, dir / "t1", "--threads 1"));
  const auto two = run_command(compare_command(files, dir / "t2", "--threads 2"));
  REQUIRE(one.status == 0);
  REQUIRE(two.status == 0);
  CHECK(one.out.find("note: ") != std::string::npos);  // half.toml's own seed is overridden
  const std::string csv = read_file(dir / "t1" / "compare.csv");
  CHECK(csv.size() > 100);
  CHECK(csv == read_file(dir / "t2" / "compare.csv"));
  CHECK(read_file(dir / "t1" / "compare.json") == read_file(dir / "t2" / "compare.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("compare: the same file twice gets two distinct column labels", "[e2e]") {
  const auto dir = scratch_dir("compare-labels");
  write(dir / "a.toml", tiny_scenario(300));
  const auto r = run_command(
      compare_command({dir / "a.toml", dir / "a.toml"}, dir / "out", "--replications 2"));
  REQUIRE(r.status == 0);
  const Rows rows = parse_csv(read_file(dir / "out" / "compare.csv"));
  CHECK(rows.count("a") == 1);
  CHECK(rows.count("a (2)") == 1);
  CHECK(rows.at("a").at("infected_total")[2] == "2");
  std::filesystem::remove_all(dir);
}

TEST_CASE("compare: missing or bad files and usage errors exit 2", "[e2e]") {
  const auto dir = scratch_dir("compare-bad");
  write(dir / "a.toml", tiny_scenario(300));
  write(dir / "bad.toml", tiny_scenario(300) + "colour = \"red\"\n");
  const auto missing =
      run_command(compare_command({dir / "a.toml", dir / "no-such.toml"}, dir / "out"));
  CHECK(missing.status == 2);
  CHECK(missing.err.find("no-such.toml") != std::string::npos);
  // Every bad file is reported before anything runs.
  const auto both =
      run_command(compare_command({dir / "bad.toml", dir / "no-such.toml"}, dir / "out"));
  CHECK(both.status == 2);
  CHECK(both.err.find("bad.toml") != std::string::npos);
  CHECK(both.err.find("no-such.toml") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  CHECK(run_command(wormsim_exe() + " compare").status == 2);
  CHECK(run_command(compare_command({dir / "a.toml"}, dir / "out", "--no-such-option")).status ==
        2);
  CHECK(run_command(compare_command({dir / "a.toml"}, dir / "out", "--duration 90")).status == 2);
  std::filesystem::remove_all(dir);
}
