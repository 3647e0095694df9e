// The outbreak model's bookkeeping: at every sample susceptible + infected = vulnerable,
// infected_total never falls, new infections add up, probes follow rate x scanning time, and the
// per-probe reference mode keeps the same books.
#include <catch2/catch.hpp>

#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"

using namespace wormsim;
using namespace wormsim::models;

namespace {
const char* kSmall = R"(
[simulation]
start = 2001-07-19T10:00:00Z
duration = "30m"
sample_every = "1m"
seed = 5
partitions = 4
[address_space]
prefix = "10.0.0.0/14"
[[population]]
count = 1500
placement = { per = "/24", mean_per_block = 6 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
[[population]]
count = 500
placement = { per = "/24", mean_per_block = 6 }
os = { "xp-sp1" = 1.0 }
services = ["dcom-rpc"]
[worm]
model = "codered-v2"
initial_infected = 4
probe_rate = "20/s"
)";

void check_books(const ReplicationRun& run) {
  const sim::MetricTable& c = run.curves;
  const auto sus = c.find("susceptible"), now = c.find("infected_now"),
             total = c.find("infected_total"), fresh = c.find("new_infections"),
             scanning = c.find("scanning"), probes = c.find("probes_sent");
  REQUIRE(probes < c.metric_count());
  double new_sum = c.value(0, total);
  for (std::size_t s = 0; s < c.sample_count(); ++s) {
    CAPTURE(s);
    CHECK(c.value(s, sus) + c.value(s, now) == 1500);
    CHECK(c.value(s, now) == c.value(s, total));  // nothing clears Code Red v2 here
    CHECK(c.value(s, scanning) == c.value(s, now));
    if (s > 0) {
      CHECK(c.value(s, total) >= c.value(s - 1, total));
      new_sum += c.value(s, fresh);
      CHECK(new_sum == c.value(s, total));
      // Probes over the interval lie between rate x interval x scanning at its ends.
      const double dp = c.value(s, probes) - c.value(s - 1, probes);
      CHECK(dp >= 20.0 * 60 * c.value(s - 1, scanning) - 1);
      CHECK(dp <= 20.0 * 60 * c.value(s, scanning) + 1);
    }
  }
  CHECK(run.summary.vulnerable == 1500);
  CHECK(run.summary.hosts == 2000);
  CHECK(run.summary.initial_infected == 4);
}
}  // namespace

TEST_CASE("models::Outbreak: exact sampling keeps the books", "[models]") {
  const Scenario s = load_scenario_text(kSmall, "small.toml");
  const ReplicationRun run = run_replication(s, 0, {});
  check_books(run);
  CHECK(run.summary.infected_total > 4);
}

TEST_CASE("models::Outbreak: the per-probe reference mode keeps the same books", "[models]") {
  const Scenario s = load_scenario_text(kSmall, "small.toml");
  const ReplicationRun run = run_replication(s, 0, {true});
  check_books(run);
  CHECK(run.summary.infected_total > 4);
  // Per-probe mode handles every probe: far more events than the exact sampler.
  const ReplicationRun fast = run_replication(s, 0, {});
  CHECK(run.stats.events > 10 * fast.stats.events);
}

TEST_CASE("models::Outbreak: the summary's times to 10/50/90% are ordered", "[models]") {
  const Scenario s = load_scenario_text(kSmall, "small.toml");
  const ReplicationSummary sum = run_replication(s, 1, {}).summary;
  REQUIRE(sum.time_to_fraction_s[0].has_value());
  if (sum.time_to_fraction_s[1]) CHECK(*sum.time_to_fraction_s[0] <= *sum.time_to_fraction_s[1]);
  if (sum.time_to_fraction_s[2]) CHECK(*sum.time_to_fraction_s[1] <= *sum.time_to_fraction_s[2]);
  CHECK(sum.peak_infections_per_minute >= 1);
}

// Hosts infected since the last refresh of the live set still draw hits until the next barrier.
// In a dense space (20,000 vulnerable hosts in 65,536 addresses) the whole population falls
// within a few simulated seconds, so with a refresh only at each one-minute sample every infected
// host would draw about 358/60 x 0.3 wasted hits a second until then: more than a hundred events
// per infection. The outbreak brings steps forward so that about 5% of the live hosts fall
// between refreshes: a hit per infection, its delivery, and a small share of wasted or thinned
// hits, so fewer than 8 events per infection (the bound leaves room for the early phase, when
// the few scanners' candidate hits are thinned more often).
TEST_CASE("models::Outbreak: a dense space does not draw a minute of wasted hits", "[models]") {
  const char* dense = R"(
[simulation]
start = 2001-07-19T10:00:00Z
duration = "10m"
sample_every = "1m"
seed = 3
[address_space]
prefix = "10.0.0.0/16"
[[population]]
count = 20000
placement = { per = "/24", mean_per_block = 100 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
[worm]
model = "codered-v2"
initial_infected = 10
probe_rate = "358/min"
)";
  const Scenario s = load_scenario_text(dense, "dense.toml");
  const ReplicationRun run = run_replication(s, 0, {});
  REQUIRE(run.summary.infected_total == 20000);
  CAPTURE(run.stats.events);
  CHECK(run.stats.events < 8 * 20000);
}
