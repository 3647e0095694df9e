// Unit tests of net/graphml and net/xml: Topology Zoo files import with the node and edge counts
// of the file (counted here independently, by scanning the XML text), parallel edges merge with
// summed capacity, the planner's attributes are read, written GraphML reads back the same, and
// bad, truncated or mangled files give an InputError naming the file, line and column — never a
// crash or another exception.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "net/graphml.hpp"
#include "net/summary.hpp"
#include "net/xml.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"
#include "tests/unit/net/support.hpp"

using namespace wormsim::net;
using wormsim::test::input_error_of;
using wormsim::test::net_fixture;
using wormsim::test::shared_data;
using wormsim::test::slurp;

namespace {

std::size_t count_occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

/// The value of attribute `name` in the tag starting at `pos` (the Zoo writes source="3").
std::string tag_attribute(const std::string& text, std::size_t pos, const std::string& name) {
  const std::size_t end = text.find('>', pos);
  const std::size_t at = text.find(" " + name + "=\"", pos);
  if (at == std::string::npos || at > end) return "";
  const std::size_t start = at + name.size() + 3;
  return text.substr(start, text.find('"', start) - start);
}

/// Counts from the text alone: nodes, edges, self-loops and distinct unordered node pairs.
struct XmlCounts {
  std::size_t nodes = 0, edges = 0, self_loops = 0, pairs = 0;
};
XmlCounts count_by_scanning(const std::string& text) {
  XmlCounts c;
  c.nodes = count_occurrences(text, "<node ");
  std::set<std::pair<std::string, std::string>> pairs;
  for (auto p = text.find("<edge "); p != std::string::npos; p = text.find("<edge ", p + 1)) {
    ++c.edges;
    std::string s = tag_attribute(text, p, "source"), t = tag_attribute(text, p, "target");
    if (s == t) {
      ++c.self_loops;
      continue;
    }
    if (t < s) std::swap(s, t);
    pairs.emplace(s, t);
  }
  c.pairs = pairs.size();
  return c;
}

std::size_t merged_edges(const Topology& t) {
  std::size_t n = 0;
  const Graph& g = t.graph();
  for (auto [it, end] = boost::edges(g); it != end; ++it)
    if (g[boost::source(*it, g)].kind != NodeKind::internet &&
        g[boost::target(*it, g)].kind != NodeKind::internet)
      n += g[*it].parallel_count;
  return n;
}

}  // namespace

TEST_CASE("net::read_graphml: Geant2001 has the nodes and edges of its file", "[net]") {
  const auto path = shared_data("topologyzoo/Geant2001.graphml");
  if (path.empty()) {
    WARN("skipped: Topology Zoo data not found under WORMSIM_DATA_DIR");
    return;
  }
  const std::string text = slurp(path);
  const XmlCounts xml = count_by_scanning(text);
  CAPTURE(xml.nodes, xml.edges, xml.pairs);
  const Topology t = read_graphml(path.string());
  CHECK(t.info.is_topology_zoo);
  CHECK(t.info.name == "Geant2001");
  CHECK(t.info.edge_records == xml.edges);
  // Every node of the file plus the internet node; every pair one link plus the attachments.
  CHECK(t.node_count() == xml.nodes + 1);
  const auto s = summarize(t);
  CHECK(t.link_count() == xml.pairs + s.internet_neighbours.size());
  CHECK(merged_edges(t) + t.info.self_loops_dropped == xml.edges);
  CHECK(s.components == 1);
  CHECK(s.default_capacity_links == 0);  // every Geant2001 edge has its LinkSpeedRaw
}

TEST_CASE("net::read_graphml: a Zoo multigraph merges parallel edges, capacities summed", "[net]") {
  // Belnet2003 draws several edges between the same PoPs.
  const auto path = shared_data("topologyzoo/Belnet2003.graphml");
  if (path.empty()) {
    WARN("skipped: Topology Zoo data not found under WORMSIM_DATA_DIR");
    return;
  }
  const std::string text = slurp(path);
  const XmlCounts xml = count_by_scanning(text);
  REQUIRE(xml.pairs < xml.edges - xml.self_loops);  // it is a multigraph
  const Topology t = read_graphml(path.string());
  const auto s = summarize(t);
  CHECK(t.node_count() == xml.nodes + 1);
  CHECK(t.link_count() == xml.pairs + s.internet_neighbours.size());
  CHECK(merged_edges(t) == xml.edges - xml.self_loops);
  CHECK(s.merged_links > 0);
  // Belnet2003 marks other networks with Internal = 0: they are the internet's border.
  for (const auto& id : s.internet_neighbours) CHECK(t.node(*t.find(id)).kind == NodeKind::border);
}

TEST_CASE("net::read_graphml: every one of the 276 Topology Zoo files loads", "[net]") {
  // The Zoo's own quirks must not stop an import: attr.type="integer" (which boost::read_graphml
  // rejects), labels that repeat, multigraphs, a self-loop, nodes without coordinates.
  const auto tarball = shared_data("topologyzoo/graphml.tar.gz");
  if (tarball.empty()) {
    WARN("skipped: Topology Zoo data not found under WORMSIM_DATA_DIR");
    return;
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("wormsim-zoo-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string command = "tar xzf '" + tarball.string() + "' -C '" + dir.string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  std::size_t files = 0;
  std::map<std::string, std::string> failures;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".graphml") continue;
    ++files;
    const std::string error = input_error_of([&] {
      const Topology t = read_graphml(entry.path().string());
      const XmlCounts xml = count_by_scanning(slurp(entry.path()));
      if (t.node_count() != xml.nodes + 1 ||
          merged_edges(t) + t.info.self_loops_dropped != xml.edges)
        throw InputError("counts differ from the file's");
    });
    if (!error.empty()) failures[entry.path().filename().string()] = error;
  }
  std::filesystem::remove_all(dir);
  CAPTURE(failures);
  CHECK(files == 276);
  CHECK(failures.empty());
}

TEST_CASE("net::read_graphml: the planner's attributes, merging and defaults", "[net]") {
  const Topology t = read_graphml(net_fixture("multigraph.graphml").string());
  CHECK_FALSE(t.info.is_topology_zoo);
  REQUIRE(t.node_count() == 5);  // four nodes and the internet
  CHECK(t.link_count() == 4);
  const Vertex gw = *t.find("gw"), core1 = *t.find("core1"), core2 = *t.find("core2"),
               lan = *t.find("lan");
  CHECK(t.node(gw).name == "Gateway & firewall");
  CHECK(t.node(gw).kind == NodeKind::border);
  CHECK(t.node(gw).device_model == "cisco-7500");
  CHECK(t.node(core1).kind == NodeKind::core);
  CHECK(t.node(lan).kind == NodeKind::site);
  CHECK(t.node(lan).name == "lan");
  const Link& merged = t.link(*t.link_between(gw, core1));
  CHECK(merged.capacity_bps == 355'000'000);
  CHECK(merged.parallel_count == 3);
  CHECK(merged.latency.us == 2000);
  const Link& paris_london = t.link(*t.link_between(core1, core2));
  CHECK(paris_london.latency.us == Approx(1720).epsilon(0.01));  // 344 km at 5 µs/km
  const Link& defaulted = t.link(*t.link_between(core2, lan));
  CHECK(defaulted.capacity_bps == 1'000'000'000);
  CHECK(defaulted.default_capacity_count == 1);
  CHECK(defaulted.latency.us == 1000);
  // The internet joins the border node, not the most-connected one.
  REQUIRE(t.internet().has_value());
  CHECK(t.link_between(gw, *t.internet()).has_value());
  CHECK(boost::out_degree(*t.internet(), t.graph()) == 1);

  GraphmlOptions options;
  options.internet.reset();
  options.default_capacity_bps = 100'000'000;
  const Topology bare = read_graphml(net_fixture("multigraph.graphml").string(), options);
  CHECK(bare.node_count() == 4);
  CHECK_FALSE(bare.internet().has_value());
  CHECK(bare.link(*bare.link_between(*bare.find("core2"), *bare.find("lan"))).capacity_bps ==
        100'000'000);
}

TEST_CASE("net::write_graphml: what is written reads back the same", "[net]") {
  // Invariant: write then read gives the same nodes, kinds, coordinates, links, capacities,
  // latencies and parallel counts, and no second internet node.
  const Topology t = read_graphml(net_fixture("multigraph.graphml").string());
  std::ostringstream first;
  write_graphml(t, first);
  const Topology back = parse_graphml(first.str(), "written.graphml");
  std::ostringstream second;
  write_graphml(back, second);
  CHECK(first.str() == second.str());
  CHECK(back.node_count() == t.node_count());
  CHECK(back.link_count() == t.link_count());
  CHECK(back.link(*back.link_between(*back.find("gw"), *back.find("core1"))).parallel_count == 3);
  std::ostringstream dot;
  write_dot(t, dot);
  CHECK_THAT(dot.str(), Catch::StartsWith("graph G {"));
  CHECK_THAT(dot.str(), Catch::Contains("355Mbps"));
}

TEST_CASE(
    "net::parse_graphml: bad files are rejected with file, line, column and what was "
    "expected",
    "[net]") {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::string head =
      "<graphml>\n<key id=\"c\" for=\"edge\" attr.name=\"capacity\"/>\n"
      "<key id=\"k\" for=\"node\" attr.name=\"kind\"/>\n<graph>\n";
  const Case cases[] = {
      {"", "f.graphml:1:1: error: expected an XML document, got no element at all"},
      {"\x7f"
       "ELF\x01\x02",
       "f.graphml:1:1: error: expected an XML document starting with '<', "
       "got byte 0x7f"},
      {"<html><body/></html>",
       "f.graphml:1:1: error: expected a GraphML file (root element "
       "<graphml>), got <html>"},
      {head + "<node id=\"a\"/>\n<node id=\"b\"", "f.graphml:6:1: error: the tag <node is not"},
      {head + "<node id=\"a\">\n", "the file ends inside <node> (opened at line 5, column 1)"},
      {head + "<node id=\"a\"></nod>",
       "f.graphml:5:14: error: expected </node> (opened at line 5, "
       "column 1), got </nod>"},
      {head + "<node id=\"a\"/><node id=\"a\"/></graph></graphml>",
       "f.graphml:5:15: error: node id \"a\" is used twice"},
      {head + "<node id=\"a\"/><edge source=\"a\" target=\"zz\"/></graph></graphml>",
       "f.graphml:5:15: error: <edge>: expected source and target to name nodes of the graph, "
       "got \"zz\""},
      {head + "<node id=\"a\"/><node id=\"b\"/>\n<edge source=\"a\" target=\"b\"><data "
              "key=\"c\">155</data></edge></graph></graphml>",
       "f.graphml:6:29: error: capacity: expected a positive bandwidth with one of the units bps, "
       "kbps, Mbps, Gbps, Tbps (e.g. \"155Mbps\"), got \"155\""},
      {head + "<node id=\"a\"><data key=\"k\">router</data></node></graph></graphml>",
       "f.graphml:5:14: error: kind: expected one of core, regional, access, border, "
       "distribution, site, internet, got \"router\""},
      {head + "<node id=\"a\"><data key=\"nope\">1</data></node></graph></graphml>",
       "f.graphml:5:14: error: <data key=\"nope\">: no <key> declares id \"nope\""},
      {head + "<hyperedge/></graph></graphml>", "f.graphml:5:1: error: hyperedges are not"},
      {"<graphml><graph/><graph/></graphml>",
       "f.graphml:1:18: error: expected one <graph>, found 2"},
      {"<graphml></graphml>", "f.graphml:1:1: error: expected a <graph> in <graphml>, found none"},
      {head + "<node id=\"a &bogus; b\"/></graph></graphml>",
       "f.graphml:5:13: error: unknown entity"},
      {head + "</graph></graphml>trailing", "f.graphml:5:19: error: expected the end of the file"},
      {head + "<node id='a' id='b'/></graph></graphml>",
       "f.graphml:5:14: error: attribute id appears twice in <node>"},
      {head + "<!-- unterminated", "f.graphml:5:1: error: a comment is not closed"},
      {head + "<node id=\"a\">\x01</node>", "f.graphml:5:14: error: byte 0x01 is not allowed"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK_THAT(input_error_of([&] { parse_graphml(c.text, "f.graphml"); }),
               Catch::Contains(c.expected));
  }
}

TEST_CASE("net::parse_graphml: every problem of a file is reported, in file order", "[net]") {
  const std::string text =
      "<graphml><key id=\"c\" for=\"edge\" attr.name=\"capacity\"/><graph>\n"
      "<node id=\"a\"/><node id=\"b\"/>\n"
      "<edge source=\"a\" target=\"b\"><data key=\"c\">fast</data></edge>\n"
      "<edge source=\"a\" target=\"q\"/>\n"
      "</graph></graphml>";
  const std::string message = input_error_of([&] { parse_graphml(text, "two.graphml"); });
  const auto first = message.find("two.graphml:3:");
  const auto second = message.find("two.graphml:4:");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);
}

TEST_CASE("net::parse_graphml: truncated and mangled files never crash", "[net]") {
  // Invariant: any text gives a topology or an InputError. Every prefix of a valid file, and
  // random byte changes of it (fixed seed), are tried.
  const std::string text = slurp(net_fixture("multigraph.graphml"));
  REQUIRE(text.size() > 1000);
  std::size_t rejected = 0;
  for (std::size_t n = 0; n < text.size(); ++n) {
    const std::string message = input_error_of([&] { parse_graphml(text.substr(0, n), "t"); });
    CHECK_THAT(message, !Catch::StartsWith("other exception"));
    rejected += !message.empty();
  }
  CHECK(rejected >= text.size() - 30);  // only cuts in the trailing blanks may pass
  wormsim::sim::RandomStream s(3, 0, 0, wormsim::sim::Purpose::test);
  for (int i = 0; i < 3000; ++i) {
    std::string mangled = text;
    const int changes = 1 + static_cast<int>(wormsim::sim::variates::uniform_below(s, 4));
    for (int k = 0; k < changes; ++k)
      mangled[wormsim::sim::variates::uniform_below(s, mangled.size())] =
          static_cast<char>(wormsim::sim::variates::uniform_below(s, 256));
    const std::string message = input_error_of([&] { parse_graphml(mangled, "t"); });
    CHECK_THAT(message, !Catch::StartsWith("other exception"));
  }
}

TEST_CASE("net::XmlDocument: entities, CDATA, comments and positions", "[net]") {
  const std::string text =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY y \"z\">]>\n<!-- c -->\n"
      "<a x='1 &lt; 2'>\n  <y:b>t&amp;u&#65;&#x42;<![CDATA[<raw>]]></y:b>\n</a>\n";
  const XmlDocument doc = XmlDocument::parse(text, "x.xml");
  REQUIRE(doc.elements().size() == 2);
  CHECK(doc.root().name == "a");
  CHECK(*doc.root().attribute("x") == "1 < 2");
  const XmlElement& b = doc.element(doc.root().children.at(0));
  CHECK(b.name == "b");
  CHECK(b.text == "t&uAB<raw>");
  CHECK(doc.position(b.offset) == std::pair<std::size_t, std::size_t>{5, 3});
}

TEST_CASE("net::read_graphml: a missing file is bad input naming the file", "[net]") {
  CHECK_THAT(input_error_of([] { read_graphml("/no/such/file.graphml"); }),
             Catch::StartsWith("/no/such/file.graphml: error: cannot read"));
}
