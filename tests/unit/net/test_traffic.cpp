// Unit tests of net/traffic: a planner's measured background loads land on their links and
// directions; unknown nodes, missing links, loads without units or above capacity, and a
// direction given twice are bad input with file, line and column.
#include <catch2/catch.hpp>

#include <string>

#include "net/graphml.hpp"
#include "net/summary.hpp"
#include "net/traffic.hpp"
#include "tests/unit/net/support.hpp"

using namespace wormsim::net;
using wormsim::test::input_error_of;
using wormsim::test::net_fixture;

TEST_CASE("net::read_background_traffic: loads land on their link and direction", "[net]") {
  Topology t = read_graphml(net_fixture("multigraph.graphml").string());
  CHECK(read_background_traffic(t, net_fixture("traffic.csv").string()) == 3);
  const Vertex gw = *t.find("gw"), core1 = *t.find("core1"), core2 = *t.find("core2");
  REQUIRE(gw < core1);
  const Link& l = t.link(*t.link_between(gw, core1));
  CHECK(l.background_bps[0] == 120'000'000);  // gw -> core1 (from the smaller vertex index)
  CHECK(l.background_bps[1] == 80'500'000);
  const Link& m = t.link(*t.link_between(core1, core2));
  CHECK(m.background_bps[0] == 300'000'000);
  const auto s = summarize(t);
  CHECK(s.loaded_links == 2);
  CHECK(s.max_utilisation == Approx(120.0 / 355.0));
  CHECK(s.max_utilisation_link == "gw - core1");
}

TEST_CASE("net::parse_background_traffic: bad rows are rejected with line and column", "[net]") {
  const auto error = [](const std::string& text) {
    return input_error_of([&] {
      Topology t = read_graphml(net_fixture("multigraph.graphml").string());
      parse_background_traffic(t, text, "load.csv");
    });
  };
  CHECK_THAT(error(""), Catch::Contains("load.csv: error: expected the header"));
  CHECK_THAT(error("src,dst,load\n"),
             Catch::Contains("load.csv:1:1: error: expected the header \"source,target,load\""));
  CHECK_THAT(error("source,target,load\ngw,nowhere,1Mbps\n"),
             Catch::Contains("load.csv:2:4: error: target: expected the id of a node of the "
                             "topology, got \"nowhere\""));
  CHECK_THAT(error("source,target,load\ngw,lan,1Mbps\n"),
             Catch::Contains("load.csv:2:1: error: no link joins \"gw\" and \"lan\""));
  CHECK_THAT(error("source,target,load\ngw,core1,12\n"),
             Catch::Contains("load.csv:2:10: error: load: expected a bandwidth with one of the "
                             "units"));
  CHECK_THAT(error("source,target,load\ngw,core1,1Gbps\n"),
             Catch::Contains("load.csv:2:10: error: load: 1Gbps exceeds the capacity of the link "
                             "gw - core1, 355Mbps"));
  CHECK_THAT(error("source,target,load\ngw,core1,1Mbps\ngw , core1, 2Mbps\n"),
             Catch::Contains("load.csv:3:1: error: the load from \"gw\" to \"core1\" is already "
                             "given on line 2"));
  CHECK_THAT(error("source,target,load\ngw,core1\n"),
             Catch::Contains("load.csv:2:1: error: expected three fields"));
}
