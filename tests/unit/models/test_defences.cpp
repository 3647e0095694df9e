// Each defence of the advisories acts on exactly the hosts it should, checked rule by rule
// (defence_catalog) and on whole outbreaks with fixed seeds: patches only where their
// prerequisites are, and a patch's reboot clears Code Red v2 but not Code Red II; ICF on XP and
// Server 2003 only; DCOM off protects 2000 SP3 but not SP2; anti-virus stops Blaster's
// infection but not its crash; removing the mappings turns a Code Red infection into the IIS 4.0
// redirect crash; outbound border blocking keeps every infection inside the infecting host's
// site while that site still burns; inbound blocking keeps firewalled sites clean of outside
// infections; content filtering stops cross-site infections once deployed; quarantine cuts off
// and cleans scanning hosts; a defence applied to nobody changes no curve.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "models/defence/defence_catalog.hpp"
#include "models/host/world.hpp"
#include "models/outbreak.hpp"
#include "models/scenario/loader.hpp"
#include "sim/sequential_scheduler.hpp"

using namespace wormsim;
using namespace wormsim::models;

namespace {

struct Run {
  std::unique_ptr<Outbreak> outbreak;
  ReplicationSummary summary;
};

Run run(const Scenario& s, std::uint64_t replication = 0) {
  Run r;
  r.outbreak = std::make_unique<Outbreak>(s, build_world(s, replication), replication,
                                          OutbreakOptions{false, false});
  sim::SequentialScheduler scheduler;
  const auto stats = scheduler.run(*r.outbreak, {s.simulation.duration, s.simulation.sample_every});
  r.summary = r.outbreak->summarize(stats.events);
  return r;
}

DefenceConfig defence(DefenceKind kind, sim::SimTime start = sim::SimTime{0}) {
  DefenceConfig d;
  d.kind = kind;
  d.start = start;
  d.name = std::string(defence_kind_name(kind));
  switch (kind) {
    case DefenceKind::patch:
      d.params["install_time"] = sim::SimTime::from_min(10);
      break;
    case DefenceKind::quarantine:
      d.params["detect_after"] = sim::SimTime::from_min(5);
      d.params["clean_time"] = sim::SimTime::from_min(30);
      d.params["scope"] = std::string("host");
      break;
    case DefenceKind::blacklist:
    case DefenceKind::content_filter:
      d.params["reaction_time"] = sim::SimTime::from_min(10);
      break;
    default:
      break;
  }
  return d;
}

std::uint16_t rules(const std::vector<std::string>& texts) {
  std::vector<PortRule> r;
  for (const auto& t : texts) r.push_back(*parse_port_rule(t));
  return flows_blocked(r);
}

// A small world: one /12 of 2^20 addresses, hosts clustered by /24 (the sites).
std::string scenario_text(const std::string& duration, const std::string& populations,
                          const std::string& worm) {
  return "[simulation]\nstart = 2003-08-11T16:00:00Z\nduration = \"" + duration +
         "\"\nsample_every = \"5m\"\nseed = 7\npartitions = 8\n[address_space]\nprefix = "
         "\"10.0.0.0/12\"\n" +
         populations + worm;
}

}  // namespace

TEST_CASE("defence rules: prerequisites, operating systems and services", "[models][defences]") {
  const std::uint16_t iis = kIis5Index, dcom = kDcomRpc;
  // MS01-033 needs NT 4.0 SP6a or Windows 2000 SP1 or later.
  CHECK_FALSE(defence_applies(DefenceKind::patch, kMs01033, Os::nt4_pre_sp6a, iis, 0));
  CHECK(defence_applies(DefenceKind::patch, kMs01033, Os::nt4_sp6a, iis, 0));
  CHECK_FALSE(defence_applies(DefenceKind::patch, kMs01033, Os::win2000_rtm, iis, 0));
  CHECK(defence_applies(DefenceKind::patch, kMs01033, Os::win2000_sp1, iis, 0));
  CHECK_FALSE(defence_applies(DefenceKind::patch, kMs01033, Os::win2000_sp1, iis, kMs01033));
  // MS03-026 (and MS03-039) need NT 4.0 SP6a or Windows 2000 SP2, SP3 or SP4.
  for (std::uint8_t fix : {std::uint8_t{kMs03026}, std::uint8_t{kMs03039}}) {
    CHECK_FALSE(defence_applies(DefenceKind::patch, fix, Os::win2000_sp1, dcom, 0));
    CHECK(defence_applies(DefenceKind::patch, fix, Os::win2000_sp2, dcom, 0));
    CHECK(defence_applies(DefenceKind::patch, fix, Os::xp_rtm, dcom, 0));
    CHECK_FALSE(defence_applies(DefenceKind::patch, fix, Os::nt4_pre_sp6a, dcom, 0));
  }
  // ICF exists on XP and Server 2003 only; IPSec filters on 2000, XP, 2003, never NT 4.0.
  for (Os os : {Os::nt4_sp6a, Os::win2000_sp4, Os::xp_sp1, Os::win2003}) {
    CHECK(defence_applies(DefenceKind::icf, 0, os, dcom, 0) == (is_xp(os) || os == Os::win2003));
    CHECK(defence_applies(DefenceKind::ipsec, 0, os, dcom, 0) == !is_nt4(os));
  }
  // Mapping removal needs the mappings; the DCOM switches need DCOM RPC.
  CHECK(defence_applies(DefenceKind::remove_mappings, 0, Os::nt4_sp6a, kIis4Index, 0));
  CHECK_FALSE(defence_applies(DefenceKind::remove_mappings, 0, Os::nt4_sp6a, kIis4Redirect, 0));
  CHECK_FALSE(defence_applies(DefenceKind::disable_dcom, 0, Os::xp_sp1, kIis5Index, 0));
  // Turning DCOM off protects 2000 SP3 and later, not RTM to SP2.
  CHECK_FALSE(dcom_disable_protects(Os::win2000_sp2));
  CHECK(dcom_disable_protects(Os::win2000_sp3));
  CHECK(dcom_disable_protects(Os::xp_rtm));
  CHECK_FALSE(dcom_disable_protects(Os::nt4_sp6a));
}

TEST_CASE("defence rules: port rules and the traffic they stop", "[models][defences]") {
  CHECK(parse_port_rule("tcp/135"));
  CHECK(parse_port_rule("udp/137-139"));
  CHECK(parse_port_rule("icmp"));
  for (const char* bad : {"tcp/0", "tcp/65536", "udp/139-137", "http/80", "tcp/", "tcp/8o", "135"})
    CHECK_FALSE(parse_port_rule(bad));
  // The Blaster advisory's list blocks the exploit, not its shell or TFTP pull.
  CHECK(rules({"tcp/135", "udp/135", "tcp/139", "tcp/445", "tcp/593"}) == kFlowTcp135);
  CHECK(rules({"tcp/4444", "udp/69"}) == (kFlowTcp4444 | kFlowUdp69));
  // Welchia's shell port is one of 666–765: only a rule covering all of them stops it.
  CHECK(rules({"tcp/600-700"}) == 0);
  CHECK(rules({"tcp/600-700", "tcp/701-800"}) == kFlowWelchiaShell);
  CHECK(rules({"udp/1-65535"}) == kFlowUdp69);
  CHECK(rules({"icmp"}) == kFlowIcmpEcho);
  CHECK(rules({"udp/80"}) == 0);
  const AttemptFlows b = attempt_flows("blaster", Os::xp_sp1, kDcomRpc);
  CHECK(b.reach == kFlowTcp135);
  CHECK(b.infect == kFlowTcp4444);
  CHECK(b.infect_back == kFlowUdp69);
  const AttemptFlows w = attempt_flows("welchia", Os::win2000_sp2, kWebdav);
  CHECK((w.reach & kFlowTcp80) != 0);
  CHECK(w.reach_back == kFlowIcmpEcho);
  CHECK(attempt_flows("codered-v2", Os::nt4_sp6a, kIis4Index).reach == kFlowTcp80);
}

TEST_CASE("defence rules: adoption over time", "[models][defences]") {
  Adoption a;
  a.coverage = 0.8;
  a.half_time = sim::SimTime::from_h(24);
  a.spread = sim::SimTime::from_h(6);
  for (auto shape : {Adoption::Shape::linear, Adoption::Shape::logistic}) {
    a.shape = shape;
    // Half the coverage at half_time.
    CHECK(adopted_share(a, a.half_time) == Approx(0.4));
    const double at_start = adopted_share(a, sim::SimTime{0});
    CHECK(at_start < 0.8 * 0.02);  // 1/(1 + e^4) of the coverage for the logistic
    sim::SimTime last{0};
    for (double u = at_start + 0.001; u < 0.8; u += 0.01) {
      const auto t = adoption_delay(a, u);
      REQUIRE(t);
      CHECK(*t >= last);  // smaller draws adopt earlier
      last = *t;
      // The delay inverts the share curve (to the microsecond of the clock).
      CHECK(adopted_share(a, *t) == Approx(u).margin(1e-6));
    }
    CHECK_FALSE(adoption_delay(a, 0.8));
    CHECK_FALSE(adoption_delay(a, 0.95));
  }
  a.shape = Adoption::Shape::linear;
  CHECK(adopted_share(a, sim::SimTime::from_h(24)) == Approx(0.4));
  CHECK(adopted_share(a, sim::SimTime::from_h(72)) == Approx(0.8));
  a.shape = Adoption::Shape::table;
  a.table = {{sim::SimTime::from_h(24), 0.3}, {sim::SimTime::from_h(72), 0.6}};
  a.coverage = 0.6;
  CHECK(adopted_share(a, sim::SimTime::from_h(12)) == Approx(0.15));
  CHECK(adopted_share(a, sim::SimTime::from_h(48)) == Approx(0.45));
  CHECK(adopted_share(a, sim::SimTime::from_h(100)) == Approx(0.6));
  CHECK(*adoption_delay(a, 0.45) == sim::SimTime::from_h(48));
  CHECK_FALSE(adoption_delay(a, 0.6));
  a.shape = Adoption::Shape::immediate;
  a.coverage = 0.5;
  CHECK(*adoption_delay(a, 0.49) == sim::SimTime{0});
  CHECK_FALSE(adoption_delay(a, 0.5));
}

TEST_CASE(
    "defences: a patch installs only where its prerequisite is, and its reboot clears "
    "Code Red v2 but not Code Red II",
    "[models][defences]") {
  const std::string pops = R"(
[[population]]
name = "web"
count = 400
placement = { per = "/24", mean_per_block = 20 }
os = { "nt4-pre-sp6a" = 0.25, "nt4-sp6a" = 0.25, "win2000-rtm" = 0.25, "win2000-sp1" = 0.25 }
services = ["iis5-index"]
locale = { en = 1.0 }
)";
  for (const char* model : {"codered-v2", "codered-ii"}) {
    Scenario s = load_scenario_text(
        scenario_text("2h", pops,
                      std::string("[worm]\nmodel = \"") + model + "\"\ninitial_infected = 1\n"),
        "patch.toml");
    DefenceConfig p = defence(DefenceKind::patch, sim::SimTime::from_h(1));
    p.fix = kMs01033;
    s.defences.push_back(p);
    const Run r = run(s);
    const HostTable& hosts = r.outbreak->world().hosts;
    std::uint64_t patched = 0;
    for (std::size_t h = 0; h < hosts.size(); ++h) {
      const bool can = hosts.os[h] == Os::nt4_sp6a || hosts.os[h] == Os::win2000_sp1;
      CHECK(((hosts.patches[h] & kMs01033) != 0) == can);
      patched += can;
      if (!can) continue;
      const WormState st = r.outbreak->state(0, h);
      if (std::string(model) == "codered-v2") {
        // The install's reboot cleared the worm, and the fix keeps it out.
        CHECK(st != WormState::infected);
      } else if (r.outbreak->infected_by(0, h) &&
                 r.outbreak->infected_at(0, h) < sim::SimTime::from_h(1)) {
        // Code Red II survives the reboot: only a reinstall removes it.
        CHECK(st == WormState::infected);
      }
    }
    CHECK(r.summary.patched == patched);
    CHECK(patched > 150);
  }
}

TEST_CASE(
    "defences: ICF protects XP and Server 2003 only; anti-virus stops the infection, not "
    "the crash; DCOM off protects 2000 SP3, not SP2",
    "[models][defences]") {
  const std::string pops = R"(
[[population]]
name = "desktops"
count = 1500
placement = { per = "/24", mean_per_block = 30 }
os = { "xp-sp1" = 0.4, "win2000-sp2" = 0.3, "win2000-sp3" = 0.3 }
services = ["dcom-rpc"]
locale = { en = 1.0 }
)";
  const std::string worm =
      "[worm]\nmodel = \"blaster\"\ninitial_infected = 5\nrandom_start = 0.0\n";
  const Scenario base = load_scenario_text(scenario_text("3h", pops, worm), "icf.toml");
  const Run none = run(base);
  auto infected = [](const Run& r, Os os) {
    const HostTable& hosts = r.outbreak->world().hosts;
    std::uint64_t n = 0;
    for (std::size_t h = 0; h < hosts.size(); ++h)
      if (hosts.os[h] == os && r.outbreak->infected_by(0, h) &&
          r.outbreak->infected_at(0, h) > sim::SimTime{0})
        ++n;
    return n;
  };
  REQUIRE(infected(none, Os::xp_sp1) > 50);
  REQUIRE(infected(none, Os::win2000_sp3) > 20);

  Scenario icf = base;
  icf.defences.push_back(defence(DefenceKind::icf));
  const Run with_icf = run(icf);
  CHECK(infected(with_icf, Os::xp_sp1) == 0);
  CHECK(infected(with_icf, Os::win2000_sp3) > 0);

  Scenario av = base;
  av.defences.push_back(defence(DefenceKind::antivirus));
  const Run with_av = run(av);
  CHECK(with_av.summary.infected_total == with_av.summary.initial_infected);
  CHECK(with_av.summary.rpc_crashes > 0);

  Scenario dcom = base;
  dcom.defences.push_back(defence(DefenceKind::disable_dcom));
  const Run with_dcom = run(dcom);
  CHECK(infected(with_dcom, Os::win2000_sp3) == 0);
  CHECK(infected(with_dcom, Os::xp_sp1) == 0);
  CHECK(infected(with_dcom, Os::win2000_sp2) > 0);
}

TEST_CASE(
    "defences: removing the mappings turns Code Red's infection of IIS 4.0 with URL "
    "redirection into its crash",
    "[models][defences]") {
  const std::string pops = R"(
[[population]]
name = "iis4"
count = 300
placement = { per = "/24", mean_per_block = 20 }
os = { "nt4-sp6a" = 1.0 }
services = ["iis4-index", "iis4-redirect"]
locale = { en = 1.0 }
[[population]]
name = "iis5"
count = 300
placement = { per = "/24", mean_per_block = 20 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
locale = { en = 1.0 }
)";
  Scenario s = load_scenario_text(
      scenario_text("3h", pops, "[worm]\nmodel = \"codered-v2\"\ninitial_infected = 5\n"),
      "mappings.toml");
  DefenceConfig d = defence(DefenceKind::remove_mappings, sim::SimTime::from_min(1));
  d.populations = {"iis4"};
  s.defences.push_back(d);
  const Run r = run(s);
  const HostTable& hosts = r.outbreak->world().hosts;
  std::uint64_t iis4_infected_late = 0, iis5_infected = 0;
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    if (!r.outbreak->infected_by(0, h)) continue;
    if (hosts.population[h] == 0 && r.outbreak->infected_at(0, h) > sim::SimTime::from_min(1))
      ++iis4_infected_late;
    if (hosts.population[h] == 1) ++iis5_infected;
    if (hosts.population[h] == 0) CHECK((hosts.services[h] & kIis4Index) == 0);
  }
  CHECK(iis4_infected_late == 0);
  CHECK(iis5_infected > 100);
  CHECK(r.summary.iis_crashes > 0);  // the redirect crash still happens
  CHECK(r.summary.protected_hosts == 300);
}

TEST_CASE(
    "defences: outbound border blocking keeps every infection inside the infecting "
    "host's site, and inbound blocking keeps outside infections out",
    "[models][defences]") {
  // Code Red II scans its own /16 three times in eight; sites are /24s here, so a site's own
  // LAN is hit often enough to burn from within.
  const std::string pops = R"(
[[population]]
name = "campus"
count = 3000
placement = { per = "/24", mean_per_block = 100 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
locale = { en = 1.0 }
)";
  const Scenario base = load_scenario_text(
      scenario_text("2h", pops, "[worm]\nmodel = \"codered-ii\"\ninitial_infected = 3\n"),
      "border.toml");
  auto crossings = [](const Run& r) {
    const HostTable& hosts = r.outbreak->world().hosts;
    std::uint64_t cross = 0, inside = 0;
    for (std::size_t h = 0; h < hosts.size(); ++h) {
      const auto by = r.outbreak->infected_by(0, h);
      if (!by || *by == h) continue;
      (hosts.site[*by] == hosts.site[h] ? inside : cross) += 1;
    }
    return std::pair{cross, inside};
  };
  const auto [cross_none, inside_none] = crossings(run(base));
  REQUIRE(cross_none > 20);
  REQUIRE(inside_none > 20);

  Scenario out = base;
  DefenceConfig fw = defence(DefenceKind::border_firewall);
  fw.block_out = {"tcp/80"};
  fw.flows_out = rules(fw.block_out);
  out.defences.push_back(fw);
  const Run r_out = run(out);
  const auto [cross_out, inside_out] = crossings(r_out);
  CHECK(cross_out == 0);
  CHECK(inside_out > 20);  // the seeds' own LANs still burn
  CHECK(r_out.summary.probes_blocked > 0);

  // Inbound blocking at every site but those of the seeds: nothing gets in from outside.
  Scenario in = base;
  fw = defence(DefenceKind::border_firewall);
  fw.block_in = {"tcp/80"};
  fw.flows_in = rules(fw.block_in);
  fw.web_servers_offline = true;
  in.defences.push_back(fw);
  const auto [cross_in, inside_in] = crossings(run(in));
  CHECK(cross_in == 0);
  CHECK(inside_in > 20);
}

TEST_CASE("defences: content filtering stops cross-site infections once deployed",
          "[models][defences]") {
  const std::string pops = R"(
[[population]]
name = "web"
count = 3000
placement = { per = "/24", mean_per_block = 60 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
locale = { en = 1.0 }
)";
  // A /8, so that a minute is too short for the worm to reach most sites.
  std::string text =
      scenario_text("2h", pops, "[worm]\nmodel = \"codered-ii\"\ninitial_infected = 3\n");
  text.replace(text.find("10.0.0.0/12"), 11, "10.0.0.0/8");
  Scenario s = load_scenario_text(text, "filter.toml");
  // Deployed at every site a minute after the start, before the worm can saturate.
  DefenceConfig d = defence(DefenceKind::content_filter);
  d.params["reaction_time"] = sim::SimTime::from_min(1);
  s.defences.push_back(d);
  const Run r = run(s);
  const HostTable& hosts = r.outbreak->world().hosts;
  std::uint64_t cross_late = 0, cross_early = 0, inside = 0;
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    const auto by = r.outbreak->infected_by(0, h);
    if (!by || *by == h) continue;
    if (hosts.site[*by] == hosts.site[h]) {
      ++inside;
      continue;
    }
    // A hit leaves before the filter and lands up to an exploit delay (500 ms) later.
    (r.outbreak->infected_at(0, h) > sim::SimTime::from_min(1) + sim::SimTime::from_s(1)
         ? cross_late
         : cross_early) += 1;
  }
  CHECK(cross_late == 0);
  CHECK(inside > 0);
  CHECK(r.summary.probes_blocked > 0);
  CHECK(r.summary.infected_total < r.summary.vulnerable / 2);  // most sites never see it
}

TEST_CASE("defences: quarantine cuts off and cleans the scanning hosts it watches",
          "[models][defences]") {
  const std::string pops = R"(
[[population]]
name = "office"
count = 2000
placement = { per = "/24", mean_per_block = 50 }
os = { "xp-sp1" = 1.0 }
services = ["dcom-rpc"]
locale = { en = 1.0 }
)";
  Scenario s = load_scenario_text(
      scenario_text("6h", pops,
                    "[worm]\nmodel = \"blaster\"\ninitial_infected = 5\nxp_offsets = 1.0\n"),
      "quarantine.toml");
  s.defences.push_back(defence(DefenceKind::quarantine));
  const Run r = run(s);
  CHECK(r.summary.hosts_cleaned > 0);
  // Cleaning patches: a cleaned host is never infected again, so at most the hosts infected in
  // the last detection-plus-cleaning times are infected at the end.
  CHECK(r.summary.infected_now < r.summary.infected_total);
  const auto& c = r.outbreak->curves();
  const std::size_t cleaned = c.find("hosts_cleaned");
  REQUIRE(cleaned < c.metric_count());
  CHECK(c.value(c.sample_count() - 1, cleaned) == static_cast<double>(r.summary.hosts_cleaned));
}

TEST_CASE("defences: a defence applied to nobody leaves every curve as it was",
          "[models][defences]") {
  const std::string pops = R"(
[[population]]
name = "web"
count = 2000
placement = { per = "/24", mean_per_block = 40 }
os = { "win2000-sp1" = 0.7, "nt4-sp6a" = 0.3 }
services = ["iis5-index"]
locale = { en = 1.0 }
)";
  const Scenario base = load_scenario_text(
      scenario_text("3h", pops, "[worm]\nmodel = \"codered-v2\"\ninitial_infected = 3\n"),
      "nobody.toml");
  const Run a = run(base);
  for (DefenceKind kind : {DefenceKind::patch, DefenceKind::quarantine,
                           DefenceKind::border_firewall, DefenceKind::icf}) {
    Scenario s = base;
    DefenceConfig d = defence(kind, sim::SimTime::from_min(30));
    d.fix = kMs03026;  // a patch that reboots (it would stop infected hosts leaving the live set)
    d.blocks = {*sim::parse_prefix("192.168.0.0/16")};  // outside the space: no host
    d.block_in = {"tcp/80"};
    d.flows_in = rules(d.block_in);
    d.web_servers_offline = true;
    s.defences.push_back(d);
    const Run b = run(s);
    const auto& ca = a.outbreak->curves();
    const auto& cb = b.outbreak->curves();
    REQUIRE(ca.sample_count() == cb.sample_count());
    REQUIRE(ca.metric_count() == cb.metric_count());
    bool same = true;
    for (std::size_t t = 0; t < ca.sample_count(); ++t)
      for (std::size_t m = 0; m < ca.metric_count(); ++m)
        same = same && ca.value(t, m) == cb.value(t, m);
    CHECK(same);
    CHECK(b.summary.events == a.summary.events);
  }
}

TEST_CASE("defences: a border firewall that leaves TCP 80 open does not slow Code Red at all",
          "[models][defences]") {
  // The Blaster advisory's port list at every site's border, both ways: Code Red comes in on
  // TCP 80 to the sites' own web servers, so every curve is the same as without the firewall.
  const std::string pops = R"(
[[population]]
name = "web"
count = 2000
placement = { per = "/24", mean_per_block = 40 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
locale = { en = 1.0 }
)";
  const Scenario base = load_scenario_text(
      scenario_text("2h", pops, "[worm]\nmodel = \"codered-v2\"\ninitial_infected = 3\n"),
      "port80.toml");
  Scenario s = base;
  DefenceConfig fw = defence(DefenceKind::border_firewall);
  fw.block_in = {"tcp/135", "udp/135", "tcp/139", "tcp/445", "tcp/593", "tcp/4444", "udp/69"};
  fw.block_out = fw.block_in;
  fw.flows_in = fw.flows_out = rules(fw.block_in);
  s.defences.push_back(fw);
  const Run a = run(base), b = run(s);
  REQUIRE(a.summary.infected_total > 1000);
  CHECK(b.summary.infected_total == a.summary.infected_total);
  CHECK(b.summary.probes_blocked == 0);
  const auto& ca = a.outbreak->curves();
  const auto& cb = b.outbreak->curves();
  bool same = ca.sample_count() == cb.sample_count();
  for (std::size_t t = 0; same && t < ca.sample_count(); ++t)
    for (std::size_t m = 0; m < ca.metric_count(); ++m)
      same = same && ca.value(t, m) == cb.value(t, m);
  CHECK(same);
}

TEST_CASE("worms: initial_populations draws the initially infected from those populations only",
          "[models][defences]") {
  const std::string pops = R"(
[[population]]
name = "enterprise"
count = 500
placement = { per = "/24", mean_per_block = 50 }
os = { "xp-sp1" = 1.0 }
services = ["dcom-rpc"]
[[population]]
name = "home"
count = 5000
placement = { per = "/16", mean_per_block = 500 }
os = { "xp-sp1" = 1.0 }
services = ["dcom-rpc"]
)";
  const Scenario s =
      load_scenario_text(scenario_text("10m", pops,
                                       "[worm]\nmodel = \"blaster\"\ninitial_infected = 20\n"
                                       "initial_populations = [\"enterprise\"]\n"),
                         "seeds.toml");
  REQUIRE(s.worms[0].initial_populations == std::vector<std::string>{"enterprise"});
  const Run r = run(s);
  const HostTable& hosts = r.outbreak->world().hosts;
  std::uint64_t seeds = 0;
  for (std::size_t h = 0; h < hosts.size(); ++h)
    if (r.outbreak->infected_by(0, h) == h) {
      ++seeds;
      CHECK(hosts.population[h] == 0);
    }
  CHECK(seeds == 20);
}
