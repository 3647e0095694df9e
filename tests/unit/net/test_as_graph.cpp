// Unit tests of net/as_graph: Route Views' AS graph of 2 January 2000 reads as 6,474 ASes and
// 13,895 edge lines, of which 1,323 are self-loops (dropped) and none repeated, so 12,572 links;
// repeated edges merge, malformed lines name their line and column.
#include <catch2/catch.hpp>

#include <string>

#include "net/as_graph.hpp"
#include "net/summary.hpp"
#include "tests/unit/net/support.hpp"

using namespace wormsim::net;
using wormsim::test::input_error_of;
using wormsim::test::shared_data;

TEST_CASE("net::read_as_graph: as20000102 has 6,474 ASes and 13,895 edges", "[net]") {
  const auto path = shared_data("as-graphs/as20000102.txt");
  if (path.empty()) {
    WARN("skipped: AS graph data not found under WORMSIM_DATA_DIR");
    return;
  }
  const Topology t = read_as_graph(path.string());
  CHECK(t.node_count() == 6474);
  CHECK(t.info.edge_records == 13895);
  // The file lists 1,323 edges from an AS to itself (SNAP's as-733 graphs keep them) and no
  // pair twice in either direction: 13,895 - 1,323 = 12,572 links.
  CHECK(t.info.self_loops_dropped == 1323);
  CHECK(t.link_count() == 12572);
  CHECK_FALSE(t.internet().has_value());
  const auto s = summarize(t);
  CHECK(s.merged_links == 0);
  CHECK(s.degree.max > 1000);  // a heavy tail: the largest AS peers with over a thousand others
}

TEST_CASE("net::parse_as_graph: comments, CRLF, self-loops and repeated edges", "[net]") {
  const std::string text =
      "# Directed graph\r\n# FromNodeId\tToNodeId\r\n\r\n0\t1\r\n1\t0\n1 2\n2\t2\n7\t1  # note\n";
  const Topology t = parse_as_graph(text, "small.txt");
  CHECK(t.node_count() == 4);  // 0, 1, 2, 7
  CHECK(t.link_count() == 3);
  CHECK(t.info.edge_records == 5);
  CHECK(t.info.self_loops_dropped == 1);
  const Link& l = t.link(*t.link_between(*t.find("0"), *t.find("1")));
  CHECK(l.parallel_count == 2);
  CHECK(l.capacity_bps == 2'000'000'000);  // two 1 Gbit/s edges merged
  CHECK(t.node(*t.find("1")).kind == NodeKind::core);
  CHECK(t.node(*t.find("7")).kind == NodeKind::access);  // one neighbour: a stub AS
  CHECK(t.node(*t.find("2")).kind == NodeKind::access);
}

TEST_CASE("net::parse_as_graph: malformed lines give file, line and column", "[net]") {
  CHECK_THAT(input_error_of([] { parse_as_graph("0\t1\n3\tx\n", "as.txt"); }),
             Catch::Contains("as.txt:2:3: error: expected a node number (0 or more), got \"x\""));
  CHECK_THAT(input_error_of([] { parse_as_graph("0\t1\t2\n", "as.txt"); }),
             Catch::Contains("as.txt:1:1: error: expected two node numbers separated by a tab, "
                             "got 3 field(s)"));
  CHECK_THAT(input_error_of([] { parse_as_graph("-1\t2\n", "as.txt"); }),
             Catch::Contains("as.txt:1:1: error: expected a node number"));
  CHECK_THAT(input_error_of([] { parse_as_graph("# nothing\n\n", "as.txt"); }),
             Catch::Contains("as.txt: error: expected an AS graph"));
  CHECK_THAT(input_error_of([] { parse_as_graph("<graphml>\n", "as.txt"); }),
             Catch::Contains("as.txt:1:1: error: expected two node numbers"));
}
