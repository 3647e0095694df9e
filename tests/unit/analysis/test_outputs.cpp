// Output formatting is exact and stable: seconds from integer microseconds, tidy CSV rows in
// replication, time, metric order.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/write/outputs.hpp"

using namespace wormsim;
using namespace wormsim::analysis;

TEST_CASE("analysis::format_seconds: exact decimals without trailing zeros", "[analysis]") {
  CHECK(format_seconds(sim::SimTime::from_s(90)) == "90");
  CHECK(format_seconds(sim::SimTime::from_ms(500)) == "0.5");
  CHECK(format_seconds(sim::SimTime::from_us(1)) == "0.000001");
  CHECK(format_seconds(sim::SimTime::from_us(3'600'000'010)) == "3600.00001");
  CHECK(format_seconds(sim::SimTime{0}) == "0");
}

TEST_CASE("analysis::write_curves_csv: tidy rows in replication, time, metric order",
          "[analysis]") {
  std::vector<ReplicationResult> runs(2);
  for (std::uint64_t r = 0; r < 2; ++r) {
    runs[r].summary.replication = r;
    auto& c = runs[r].curves;
    c.declare({"a", "hosts", ""});
    c.declare({"b", "hosts", ""});
    for (int s = 0; s < 2; ++s) {
      c.begin_sample(sim::SimTime::from_s(60 * s));
      c.set(0, 10.0 * s + static_cast<double>(r));
      c.set(1, 0.25);
    }
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("wormsim-curves-" + std::to_string(::getpid()) + ".csv");
  write_curves_csv(file, runs);
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() ==
        "time_s,replication,metric,value\n"
        "0,0,a,0\n0,0,b,0.25\n60,0,a,10\n60,0,b,0.25\n"
        "0,1,a,1\n0,1,b,0.25\n60,1,a,11\n60,1,b,0.25\n");
  std::filesystem::remove(file);
}

TEST_CASE("analysis::write_text_file: an unwritable path throws naming it", "[analysis]") {
  const std::filesystem::path bad = "/nonexistent-dir-for-wormsim/x.csv";
  try {
    write_text_file(bad, "x");
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find(bad.string()) != std::string::npos);
  }
}
