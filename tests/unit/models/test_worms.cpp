// The worms of the advisories behave as REFERENCE.md describes, checked on whole outbreaks with
// fixed seeds: Code Red II's infections land in the infecting host's own /16 as often as its class
// mixture predicts; Blaster's wrong guesses crash hosts before infecting them as often as the
// 0.8/0.2 choice of offsets predicts; a reboot clears Code Red v2 but not Code Red II; Blaster
// floods on its dates; Welchia deletes itself in 2004; sadmind/IIS defaces only servers without
// MS00-078 and its own host at its limit.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "models/host/world.hpp"
#include "models/outbreak.hpp"
#include "models/scenario/loader.hpp"
#include "models/worm/worm_catalog.hpp"
#include "sim/sequential_scheduler.hpp"

using namespace wormsim;
using namespace wormsim::models;

namespace {

struct Run {
  std::unique_ptr<Outbreak> outbreak;
  ReplicationSummary summary;
};

Run run(const Scenario& s, std::uint64_t replication, bool record_events = false) {
  Run r;
  r.outbreak = std::make_unique<Outbreak>(s, build_world(s, replication), replication,
                                          OutbreakOptions{false, record_events});
  sim::SequentialScheduler scheduler;
  const auto stats = scheduler.run(*r.outbreak, {s.simulation.duration, s.simulation.sample_every});
  r.summary = r.outbreak->summarize(stats.events);
  return r;
}

}  // namespace

TEST_CASE("worms: Code Red II infects its own /16 as often as the class mixture predicts",
          "[models]") {
  // For an infection made by source s at time t, the target is a hit of s conditioned on landing
  // on a host susceptible at t (hits on others change nothing). With class probabilities
  // (1/2 own /8, 3/8 own /16, 1/8 anywhere outside 127/8 and 224/8), a susceptible host in s's
  // own /16 is hit at rate proportional to w16 = 3/8/2^16 + 1/2/2^24 + 1/8/Omega', one elsewhere
  // in s's /8 to w8 = 1/2/2^24 + 1/8/Omega', any other to wany = 1/8/Omega', Omega' = 2^32 - 2^25.
  // So P(own /16) = S16 w16 / (S16 w16 + S8 w8 + Sany wany), S the susceptible counts at t.
  // Summed over infections this gives the expected count; its variance is the sum of q(1 - q),
  // and the check allows 5 standard errors (false alarm below 1e-6, normal approximation with
  // thousands of terms).
  const Scenario s = load_scenario_text(R"(
[simulation]
start = 2001-08-04T00:00:00Z
duration = "40m"
sample_every = "1m"
seed = 4
[address_space]
prefix = "0.0.0.0/0"
allocated_blocks = "iana-2001"
[[population]]
count = 60_000
placement = { per = "/16", mean_per_block = 40 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
locale = { en = 1.0 }
[worm]
model = "codered-ii"
initial_infected = 20
)",
                                        "crii.toml");
  const Run r = run(s, 0);
  const HostTable& hosts = r.outbreak->world().hosts;
  const double omega = 4294967296.0 - 2.0 * 16777216.0;
  const double w16 = 0.375 / 65536.0 + 0.5 / 16777216.0 + 0.125 / omega;
  const double w8 = 0.5 / 16777216.0 + 0.125 / omega;
  const double wany = 0.125 / omega;
  // Infection times by host, and the infections in time order.
  std::vector<double> infected_at(hosts.size(), INFINITY);
  struct Infection {
    double t;
    std::uint32_t host, source;
  };
  std::vector<Infection> infections;
  for (std::uint32_t h = 0; h < hosts.size(); ++h) {
    const auto source = r.outbreak->infected_by(0, h);
    if (!source) continue;
    infections.push_back({r.outbreak->infected_at(0, h).seconds(), h, *source});
    infected_at[h] = infections.back().t;
  }
  std::vector<double> times;  // every infection time, sorted: susceptible at t = N - #(< t)
  for (const auto& inf : infections) times.push_back(inf.t);
  std::sort(times.begin(), times.end());
  // Hosts are in address order, so a /8 or /16 is a contiguous range of host ids.
  auto susceptible_in = [&](std::uint32_t first_address, std::uint32_t last_address, double t) {
    const auto lo = std::lower_bound(hosts.address.begin(), hosts.address.end(), first_address);
    const auto hi = std::upper_bound(hosts.address.begin(), hosts.address.end(), last_address);
    double n = 0;
    for (auto it = lo; it != hi; ++it)
      n += infected_at[static_cast<std::size_t>(it - hosts.address.begin())] >= t;
    return n;
  };
  double expected = 0, variance = 0;
  std::size_t observed = 0, counted = 0;
  for (const auto& inf : infections) {
    if (inf.source == inf.host) continue;  // seeded
    const std::uint32_t src = hosts.address[inf.source];
    const double sall =
        static_cast<double>(hosts.size()) -
        static_cast<double>(std::lower_bound(times.begin(), times.end(), inf.t) - times.begin());
    const double s8 = susceptible_in(src & 0xFF000000u, src | 0x00FFFFFFu, inf.t);
    const double s16 = susceptible_in(src & 0xFFFF0000u, src | 0x0000FFFFu, inf.t);
    const double a16 = s16 * w16, a8 = (s8 - s16) * w8, aany = (sall - s8) * wany;
    const double q = a16 / (a16 + a8 + aany);
    expected += q;
    variance += q * (1 - q);
    observed += (hosts.address[inf.host] >> 16) == (src >> 16);
    ++counted;
  }
  CAPTURE(counted, observed, expected, std::sqrt(variance));
  REQUIRE(counted > 2000);
  CHECK(std::abs(static_cast<double>(observed) - expected) < 5 * std::sqrt(variance));
  // Not vacuous: most infections are local, far from what uniform scanning would give.
  CHECK(static_cast<double>(observed) > 0.5 * static_cast<double>(counted));
}

TEST_CASE("worms: Blaster crashes hosts before infecting them as often as its offsets predict",
          "[models]") {
  // Each probe on a host comes from a different run (a sequential scanner passes a host once per
  // sweep of the space), so probes are independent: on XP a probe crashes RPC with probability
  // 0.2 (the 2000 offsets) and infects with 0.8 * 0.9 (XP offsets and a completed TFTP pull); on
  // Windows 2000 it crashes with 0.8 and infects with 0.2 * 0.9. Probes lost while a host
  // reboots are lost whatever their kind, so P(a crash before the infection) = crash / (crash +
  // infect): 0.2 / 0.92 on XP, 0.8 / 0.98 on 2000. The TFTP pull is made instant here: with its
  // default 11 s, a wrong probe arriving during the pull would count as a crash before an
  // infection already decided. The count over infected hosts is a sum of Bernoullis; the check
  // allows 5 standard errors.
  const Scenario s = load_scenario_text(R"(
[simulation]
start = 2003-08-11T16:00:00Z
duration = "6h"
sample_every = "10m"
seed = 9
[address_space]
prefix = "10.0.0.0/10"
[[population]]
count = 8_000
placement = { per = "/16", mean_per_block = 130 }
os = { "xp-sp1" = 0.6, "win2000-sp3" = 0.4 }
services = ["dcom-rpc"]
[worm]
model = "blaster"
initial_infected = 20
tftp_time = "0s"
)",
                                        "blaster.toml");
  const Run r = run(s, 0);
  const HostTable& hosts = r.outbreak->world().hosts;
  double expected = 0, variance = 0;
  std::size_t infected = 0;
  for (std::uint32_t h = 0; h < hosts.size(); ++h) {
    const auto source = r.outbreak->infected_by(0, h);
    if (!source || *source == h) continue;
    const double p = is_xp(hosts.os[h]) ? 0.2 / 0.92 : 0.8 / 0.98;
    expected += p;
    variance += p * (1 - p);
    ++infected;
  }
  // crashed_before_infection counts every worm's first infections; seeded hosts are never
  // crashed before (they start infected).
  const auto observed = static_cast<double>(r.summary.crashed_before_infection);
  CAPTURE(infected, observed, expected, std::sqrt(variance), r.summary.rpc_crashes);
  REQUIRE(infected > 1000);  // enough for the normal approximation
  CHECK(std::abs(observed - expected) < 5 * std::sqrt(variance));
}

TEST_CASE("worms: a reboot clears Code Red v2 from memory but not Code Red II", "[models]") {
  // Blaster's wrong guesses reboot Windows 2000 hosts that also run IIS with the .ida mappings:
  // those infected by Code Red v2 come back susceptible, those infected by Code Red II stay
  // infected (the backdoor and its files survive).
  auto scenario = [](const char* other) {
    return std::string(R"(
[simulation]
start = 2001-07-19T10:00:00Z
duration = "2h"
sample_every = "10m"
seed = 3
[address_space]
prefix = "10.0.0.0/14"
[[population]]
count = 4_000
placement = { per = "/16", mean_per_block = 1000 }
os = { "win2000-sp2" = 1.0 }
services = ["iis5-index", "dcom-rpc"]
[[worm]]
model = ")") +
           other + R"("
initial_infected = 20
[[worm]]
model = "blaster"
initial_infected = 20
xp_offsets = 1.0
)";
  };
  // xp_offsets = 1: every Blaster probe on these Windows 2000 hosts crashes RPC and reboots them.
  const Scenario v2 = load_scenario_text(scenario("codered-v2"), "v2.toml");
  const Run a = run(v2, 0);
  REQUIRE(a.summary.reboots > 100);
  std::size_t cleared = 0, ever = 0;
  for (std::uint32_t h = 0; h < a.outbreak->world().hosts.size(); ++h) {
    if (!a.outbreak->infected_by(0, h)) continue;
    ++ever;
    cleared += a.outbreak->state(0, h) == WormState::susceptible;
  }
  CAPTURE(ever, cleared);
  CHECK(cleared > 0);

  const Scenario ii = load_scenario_text(scenario("codered-ii"), "ii.toml");
  const Run b = run(ii, 0);
  REQUIRE(b.summary.reboots > 100);
  std::size_t infected = 0, not_infected = 0;
  for (std::uint32_t h = 0; h < b.outbreak->world().hosts.size(); ++h) {
    if (!b.outbreak->infected_by(0, h)) continue;
    (b.outbreak->state(0, h) == WormState::infected ? infected : not_infected) += 1;
  }
  CAPTURE(infected, not_infected, b.summary.infected_ever_crashed);
  CHECK(infected > 100);
  CHECK(not_infected == 0);
  CHECK(b.summary.infected_ever_crashed > 0);  // reboots did reach Code Red II hosts
}

TEST_CASE("worms: Blaster's SYN flood runs at 50 packets/s from day 16", "[models]") {
  // One copy runs from 12:00 on 15 August to 12:00 on 16 August 2003. Nothing can stop it: every
  // other host's anti-virus stops the infection and the XP offsets do not crash XP. It floods
  // from 00:00 on the 16th: 50/s for 12 h = 2,160,000 packets, exactly (the flood is an integral,
  // not a draw). Its probes go to TCP 135: 20 per 1.8 s for 24 h = 960,000.
  const Scenario s = load_scenario_text(R"(
[simulation]
start = 2003-08-15T12:00:00Z
duration = "24h"
sample_every = "1h"
[address_space]
prefix = "10.0.0.0/16"
[[population]]
count = 50
placement = { per = "/24", mean_per_block = 10 }
os = { "xp-sp1" = 1.0 }
services = ["dcom-rpc"]
antivirus = 1.0
[worm]
model = "blaster"
initial_infected = 1
xp_offsets = 1.0
)",
                                        "flood.toml");
  const Run r = run(s, 0);
  CHECK(r.summary.flood_packets == 2'160'000);
  CHECK(r.summary.infected_total == 1);
  const auto& c = r.outbreak->curves();
  const std::size_t last = c.sample_count() - 1;
  CHECK(c.value(last, c.find("flood_packets")) == 2'160'000);
  CHECK(c.value(12, c.find("flood_packets")) == 0);  // 00:00 on the 16th
  CHECK(c.value(last, c.find("probes_tcp135")) == 960'000);
  CHECK(c.value(last, c.find("probes_tcp80")) == 0);
}

TEST_CASE("worms: Welchia deletes itself on 1 January 2004", "[models]") {
  // From 23:00 on 31 December 2003 for 2 h: Welchia spreads for an hour, then every copy deletes
  // itself at midnight (running, or when its host comes back from a reboot).
  const auto text = [](const char* start) {
    return std::string(R"(
[simulation]
start = )") +
           start + R"(
duration = "2h"
sample_every = "10m"
[address_space]
prefix = "10.0.0.0/16"
[[population]]
count = 3000
placement = { per = "/24", mean_per_block = 30 }
os = { "xp-sp1" = 1.0 }
services = ["dcom-rpc"]
[worm]
model = "welchia"
initial_infected = 10
)";
  };
  const Run r = run(load_scenario_text(text("2003-12-31T23:00:00Z"), "w.toml"), 0, true);
  const auto& c = r.outbreak->curves();
  // A sample at t counts the events before t: the removals at 00:00 show from 00:10 on (hosts
  // rebooting at midnight are back by 00:07: a reboot 5 min after the infection, 2 min down).
  CHECK(c.value(6, c.find("infected_now")) > 10);  // 00:00
  CHECK(c.value(7, c.find("infected_now")) == 0);  // 00:10
  CHECK(c.value(c.sample_count() - 1, c.find("infected_now")) == 0);
  CHECK(r.summary.infected_total > 100);
  std::size_t removed = 0;
  for (const OutbreakEvent& e : r.outbreak->event_log())
    if (e.kind == OutbreakEvent::Kind::removed) {
      ++removed;
      CHECK(e.time >= sim::SimTime::from_h(1));
    }
  // Every infected host loses it at midnight, or when it comes back up if it was rebooting.
  CHECK(static_cast<double>(removed) ==
        c.value(6, c.find("infected_now")) + c.value(7, c.find("new_infections")));

  // Released in 2004, the seeds delete themselves at once and nothing spreads.
  const Run late = run(load_scenario_text(text("2004-01-02T00:00:00Z"), "late.toml"), 0);
  CHECK(late.summary.infected_total == 10);
  CHECK(late.summary.infected_now == 0);
}

TEST_CASE("worms: sadmind/IIS defaces servers without MS00-078, and its own host at the limit",
          "[models]") {
  // 10.0.0.0/16 swept in /20 blocks at 50 probes/s (82 s a block) for 2 h: each copy sweeps
  // about 90 blocks, so the IIS blocks are reached many times. Half the IIS servers applied
  // MS00-078 (a population of its own): none of them may be defaced. With a limit of 30
  // defacements, copies that swept a few IIS blocks deface their own Solaris host; with an
  // unreachable limit none does.
  const auto text = [](const char* limit) {
    return std::string(R"(
[simulation]
start = 2001-05-08T00:00:00Z
duration = "2h"
sample_every = "10m"
[address_space]
prefix = "10.0.0.0/16"
[[population]]
name = "solaris"
count = 60
placement = { per = "/20", mean_per_block = 20 }
os = { "solaris" = 1.0 }
services = ["sadmind"]
[[population]]
name = "iis-unpatched"
count = 100
placement = { per = "/20", mean_per_block = 50 }
os = { "nt4-sp6a" = 1.0 }
services = ["iis4"]
[[population]]
name = "iis-patched"
count = 100
placement = { per = "/20", mean_per_block = 50 }
os = { "nt4-sp6a" = 1.0 }
services = ["iis4"]
patched = { "ms00-078" = 1.0 }
[worm]
model = "sadmind-iis"
initial_infected = 3
probe_rate = "50/s"
sweep_block = 20
deface_limit = )") +
           limit + "\n";
  };
  const Run r = run(load_scenario_text(text("30"), "s.toml"), 0, true);
  const HostTable& hosts = r.outbreak->world().hosts;
  std::size_t unpatched_defaced = 0, self_defaced = 0;
  for (const OutbreakEvent& e : r.outbreak->event_log()) {
    if (e.kind != OutbreakEvent::Kind::defaced) continue;
    const auto population = hosts.population[e.host];
    REQUIRE(population != 2);  // never a server with MS00-078
    if (population == 1) ++unpatched_defaced;
    if (population == 0) {
      ++self_defaced;
      CHECK(e.cause == e.host);
      CHECK(r.outbreak->state(0, e.host) == WormState::infected);
    }
  }
  CAPTURE(unpatched_defaced, self_defaced, r.summary.infected_total);
  CHECK(unpatched_defaced == 100);
  CHECK(self_defaced > 0);
  CHECK(r.summary.defaced == unpatched_defaced + self_defaced);

  const Run never = run(load_scenario_text(text("1000000"), "s.toml"), 0, true);
  for (const OutbreakEvent& e : never.outbreak->event_log())
    if (e.kind == OutbreakEvent::Kind::defaced) CHECK(hosts.population[e.host] == 1);
}

TEST_CASE("worms: hosts behind NAT or a firewall are never reached", "[models]") {
  // Two identical populations of Code Red v2 hosts, the second with 70% unreachable: those are
  // never infected, the reachable ones are, and the share drawn is 0.7 within 5 sd
  // (sd = sqrt(2000 * 0.21) = 20.5).
  const Scenario s = load_scenario_text(R"(
[simulation]
duration = "3h"
sample_every = "10m"
[address_space]
prefix = "10.0.0.0/16"
[[population]]
count = 2000
placement = { per = "/24", mean_per_block = 20 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
[[population]]
count = 2000
placement = { per = "/24", mean_per_block = 20 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
unreachable = 0.7
[worm]
model = "codered-v2"
initial_infected = 5
)",
                                        "nat.toml");
  const Run r = run(s, 0);
  const HostTable& hosts = r.outbreak->world().hosts;
  std::size_t unreachable = 0, infected_reachable = 0;
  for (std::uint32_t h = 0; h < hosts.size(); ++h) {
    if (hosts.unreachable[h]) {
      ++unreachable;
      REQUIRE(hosts.population[h] == 1);
      REQUIRE_FALSE(r.outbreak->infected_by(0, h));
    } else {
      infected_reachable += r.outbreak->infected_by(0, h).has_value();
    }
  }
  CAPTURE(unreachable, infected_reachable);
  CHECK(std::abs(static_cast<double>(unreachable) - 1400.0) < 5 * std::sqrt(2000 * 0.21));
  CHECK(r.summary.vulnerable == hosts.size() - unreachable);
  CHECK(infected_reachable > 2000);  // 2^16 addresses, 2,600 targets: the outbreak completes
}
