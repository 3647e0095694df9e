// The network in the outbreak (DESIGN.md, "Network impact"): a network that loses nothing
// changes nothing, worm traffic on the network is what the scanning hosts send, saturated links
// slow the worm, and devices that crash stay down and cut their sites off.
#include <catch2/catch.hpp>

#include <string>

#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"

using namespace wormsim;
using namespace wormsim::models;

namespace {

const std::string kBase = R"(
[simulation]
start = 2001-07-19T10:00:00Z
duration = "40m"
sample_every = "1m"
seed = 3
partitions = 4
[address_space]
prefix = "10.0.0.0/14"
[[population]]
count = 1500
placement = { per = "/24", mean_per_block = 6 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
[worm]
model = "codered-v2"
initial_infected = 4
probe_rate = "20/s"
)";

// A small transit-stub network: 2 x 2 cores, 8 regionals, 16 access routers, 64 sites.
std::string with_network(const std::string& site_capacity, const std::string& extra = "") {
  return kBase + R"(
[network]
topology = "transit-stub"
parameters = { transit_domains = 2, cores_per_domain = 2, regionals_per_core = 2, access_per_regional = 2, sites_per_access = 4, site_capacity = ")" +
         site_capacity + R"(" }
)" + extra;
}

ReplicationRun run(const std::string& text) {
  return run_replication(load_scenario_text(text, "network-test.toml"), 0, {});
}

double at(const sim::MetricTable& c, std::size_t s, const char* metric) {
  const auto m = c.find(metric);
  REQUIRE(m < c.metric_count());
  return c.value(s, m);
}

}  // namespace

TEST_CASE("network: a network that loses nothing leaves the outbreak exactly as it was", "[network]") {
  // 10 Gbit/s customer links: 1,500 hosts at 20 probes/s of 3 SYNs of 48 bytes send 35 Mbit/s
  // in all, so no link drops, no hit is thinned, and no random draw is added.
  const ReplicationRun plain = run(kBase);
  const ReplicationRun net = run(with_network("10Gbps"));
  const sim::MetricTable &a = plain.curves, &b = net.curves;
  REQUIRE(a.sample_count() == b.sample_count());
  for (std::size_t m = 0; m < a.metric_count(); ++m) {
    const auto mb = b.find(a.info(m).name);
    REQUIRE(mb < b.metric_count());
    for (std::size_t s = 0; s < a.sample_count(); ++s) {
      CAPTURE(a.info(m).name, s);
      CHECK(a.value(s, m) == b.value(s, mb));
    }
  }
  CHECK(net.summary.hits_lost == 0);
  CHECK(net.summary.infected_total == plain.summary.infected_total);
  CHECK(at(b, b.sample_count() - 1, "links_above_100") == 0);
}

TEST_CASE("network: worm traffic is what the scanning hosts send", "[network]") {
  const ReplicationRun net = run(with_network("10Gbps"));
  const sim::MetricTable& c = net.curves;
  // Each scanning host: 20 probes/s x 3 SYNs x 48 bytes x 8 bits = 23,040 bit/s. The step at a
  // sample time sees every start before it, as the scanning count does; fixed-point rounding is
  // below 2^-16 bit/s per host, and the curve is rounded to the bit.
  for (std::size_t s = 1; s < c.sample_count(); ++s) {
    CAPTURE(s);
    const double expected = at(c, s, "scanning") * 23'040.0;
    CHECK(std::abs(at(c, s, "worm_traffic_bps") - expected) <= 1.0);
  }
  CHECK(at(c, c.sample_count() - 1, "scanning") > 100);
}

TEST_CASE("network: saturated access links lose hits and slow the worm", "[network]") {
  // 64 kbit/s customer links carry fewer than three scanning hosts each (23 kbit/s apiece), so
  // every infected site's uplink saturates and its hits are thinned.
  const ReplicationRun plain = run(kBase);
  const ReplicationRun slow = run(with_network("64kbps"));
  CHECK(slow.summary.hits_lost > 0);
  CHECK(slow.summary.links_saturated > 0);
  CHECK(slow.summary.bytes_dropped > 0);
  const std::size_t mid = plain.curves.sample_count() / 2;
  CHECK(at(slow.curves, mid, "infected_total") < at(plain.curves, mid, "infected_total"));
  CHECK(slow.summary.infected_total <= plain.summary.infected_total);
}

TEST_CASE("network: crashed devices stay down without recovery and cut their sites off",
          "[network]") {
  const ReplicationRun r = run(with_network("10Gbps", R"(
[[device]]
model = "cisco-600"
on = ["site"]
recovers = false
)"));
  const sim::MetricTable& c = r.curves;
  double previous = 0;
  for (std::size_t s = 0; s < c.sample_count(); ++s) {
    CAPTURE(s);
    const double down = at(c, s, "devices_down");
    CHECK(down >= previous);  // nothing comes back
    CHECK(down == at(c, s, "device_crashes"));
    CHECK((down == 0) == (at(c, s, "sites_cut_off") == 0));
    previous = down;
  }
  // 1,500 hosts x 20 probes/s over a /14 reach each address about 1.8 times a second at the
  // end: every site's router is crashed long before 40 minutes.
  CHECK(r.summary.device_crashes == 64);
  CHECK(r.network.device_events.size() == 64);
  CHECK(r.summary.peak_hosts_cut_off == 1500);
  CHECK(r.summary.hits_lost > 0);
  CHECK(r.summary.infected_total < 1500);
}

TEST_CASE("network: Code Red's flood loads the routes to 198.137.240.91 on flood days",
          "[network]") {
  // Spreading stops at 00:00 UTC on 20 July; from then every infected host (none reboots here)
  // sends 100 packets/s of 40 bytes, 32,000 bit/s, to the one address; no probes any more.
  std::string text = with_network("10Gbps");
  text.replace(text.find("2001-07-19T10:00:00Z"), 20, "2001-07-19T23:30:00Z");
  text.replace(text.find("prefix = \"10.0.0.0/14\""), 22, "prefix = \"0.0.0.0/0\"");
  text.replace(text.find("duration = \"40m\""), 16, "duration = \"1h\"");
  text.replace(text.find("probe_rate = \"20/s\""), 19, "probe_rate = \"20000/s\"");
  const ReplicationRun r = run(text);
  const sim::MetricTable& c = r.curves;
  REQUIRE(c.sample_count() == 61);
  std::size_t flooding = 0;
  for (std::size_t s = 1; s < c.sample_count(); ++s) {
    CAPTURE(s);
    const double infected = at(c, s, "infected_now");
    if (s < 30) {
      CHECK(std::abs(at(c, s, "worm_traffic_bps") - at(c, s, "scanning") * 20'000 * 3 * 48 * 8) <=
            1.0 + 1e-9 * at(c, s, "worm_traffic_bps"));
    } else if (s > 30) {
      CHECK(at(c, s, "scanning") == 0);
      CHECK(at(c, s, "worm_traffic_bps") == Approx(infected * 32'000.0).epsilon(1e-12));
      flooding += infected > 0;
    }
  }
  CHECK(flooding == 30);
  // All of it ends on one customer site's access link.
  const auto& n = r.network;
  double most = 0;
  for (const auto& l : n.links) most = std::max(most, l.peak_offered_bps);
  CHECK(most >= at(c, c.sample_count() - 1, "infected_now") * 32'000.0);
}
