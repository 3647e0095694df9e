// Unit tests of net/topology: parallel links merge with summed capacity, the statistics (degrees,
// components, diameter, capacity) are those of hand-checked graphs, and the internet node is
// attached to border nodes or, failing those, to each component's most-connected node.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "net/summary.hpp"
#include "net/topology.hpp"

using namespace wormsim::net;

namespace {

Vertex add(Topology& t, const std::string& id, NodeKind kind = NodeKind::core) {
  Node n;
  n.id = id;
  n.name = id;
  n.kind = kind;
  return t.add_node(n);
}

Link link(std::uint64_t capacity_bps, std::int64_t latency_us = 1000) {
  Link l;
  l.capacity_bps = capacity_bps;
  l.latency = wormsim::sim::SimTime::from_us(latency_us);
  return l;
}

/// A path a - b - c - d and, apart, e - f.
Topology path_and_pair() {
  Topology t;
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) add(t, id);
  t.add_link(0, 1, link(100));
  t.add_link(1, 2, link(200));
  t.add_link(2, 3, link(300));
  t.add_link(4, 5, link(50));
  return t;
}

}  // namespace

TEST_CASE("net::Topology: parallel links merge into one with summed capacity", "[net]") {
  // Invariant: a second link between the same nodes, in either direction, adds its capacity and
  // count to the first, keeps the smaller latency, and leaves the link count unchanged.
  Topology t;
  const Vertex a = add(t, "a"), b = add(t, "b");
  t.add_link(a, b, link(155'000'000, 2000));
  t.add_link(b, a, link(45'000'000, 500));
  REQUIRE(t.link_count() == 1);
  const Link& l = t.link(*t.link_between(a, b));
  CHECK(l.capacity_bps == 200'000'000);
  CHECK(l.parallel_count == 2);
  CHECK(l.latency.us == 500);
  CHECK_THROWS_AS(t.add_link(a, a, link(1)), std::invalid_argument);
  CHECK_THROWS_AS(add(t, "a"), std::invalid_argument);
}

TEST_CASE("net::Topology: degrees, components, diameter and capacities of a known graph", "[net]") {
  const Topology t = path_and_pair();
  const auto d = degree_stats(t);
  CHECK(d.min == 1);
  CHECK(d.max == 2);
  CHECK(d.mean == Approx(8.0 / 6.0));
  CHECK(component_count(t) == 2);
  CHECK(diameter_hops(t) == 3);  // a to d; the pair's diameter is 1
  const auto c = capacity_stats(t);
  CHECK(c.min_bps == 50);
  CHECK(c.max_bps == 300);
  CHECK(c.total_bps == 650);
}

TEST_CASE("net::attach_internet: each component joins through its most-connected node", "[net]") {
  Topology t = path_and_pair();
  const auto attached = attach_internet(t, InternetAttachment{});
  REQUIRE(attached.size() == 2);
  CHECK(t.node(attached[0]).id == "b");  // b and c have degree 2: the first in vertex order
  CHECK(t.node(attached[1]).id == "e");
  REQUIRE(t.internet().has_value());
  CHECK(t.node(*t.internet()).kind == NodeKind::internet);
  CHECK(t.info.is_internet_attached);
  const auto s = summarize(t);
  CHECK(s.components == 1);
  CHECK(s.components_without_internet == 2);
  CHECK(s.internet_neighbours == std::vector<std::string>{"b", "e"});
  // A second call changes nothing: there is one rest of the Internet.
  CHECK(attach_internet(t, InternetAttachment{}).empty());
  CHECK(t.node_count() == 7);
}

TEST_CASE("net::attach_internet: border nodes are the attachment points when there are any",
          "[net]") {
  Topology t = path_and_pair();
  t.set_kind(3, NodeKind::border);
  t.set_kind(0, NodeKind::border);
  InternetAttachment attachment;
  attachment.capacity_bps = 2'500'000'000;
  const auto attached = attach_internet(t, attachment);
  REQUIRE(attached.size() == 3);  // a and d (borders), and e for the border-less pair
  CHECK(t.node(attached[0]).id == "a");
  CHECK(t.node(attached[1]).id == "d");
  CHECK(t.node(attached[2]).id == "e");
  CHECK(t.link(*t.link_between(0, *t.internet())).capacity_bps == 2'500'000'000);
}

TEST_CASE("net::great_circle_km and fibre_latency: Paris to London", "[net]") {
  // About 344 km apart; light in fibre covers 200 km per millisecond.
  const double km = great_circle_km(48.8566, 2.3522, 51.5074, -0.1278);
  CHECK(km == Approx(344).epsilon(0.01));
  CHECK(fibre_latency(km).us == Approx(1720).epsilon(0.01));
}
