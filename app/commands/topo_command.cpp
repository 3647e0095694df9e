// wormsim topo: loads a topology (GraphML, Internet Topology Zoo files included, or an AS edge
// list) or generates one (transit-stub, as-powerlaw, campus), prints its summary and writes it as
// GraphML or DOT. Bad files and settings exit 2 with the file, line and column.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app/commands/commands.hpp"
#include "app/commands/options.hpp"
#include "net/as_graph.hpp"
#include "net/generators.hpp"
#include "net/graphml.hpp"
#include "net/input_error.hpp"
#include "net/summary.hpp"
#include "net/topology.hpp"
#include "net/traffic.hpp"
#include "net/units.hpp"

namespace wormsim::app {

namespace {

struct TopoOptions {
  std::string file;
  std::string generate;
  std::string as_graph;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> nodes;
  std::vector<std::string> params;
  std::string traffic;
  bool no_internet = false;
  std::string internet_capacity;
  std::string default_capacity;
  std::string write_graphml;
  std::string write_dot;
  bool list_generators = false;
};

[[noreturn]] void usage(const std::string& message) {
  throw net::InputError(fmt::format("wormsim topo: error: {}\n", message));
}

std::uint64_t bandwidth_option(const std::string& option, const std::string& text) {
  const auto bps = net::parse_bandwidth(text);
  if (!bps || *bps == 0)
    usage(fmt::format("{}: expected a positive bandwidth with one of the units {}, got \"{}\"",
                      option, net::bandwidth_units, text));
  return *bps;
}

/// "UK (3)" for a Zoo node whose label differs from its id; the id alone otherwise.
std::string node_label(const net::Topology& t, const std::string& id) {
  const auto v = t.find(id);
  if (!v || t.node(*v).name == id) return id;
  return fmt::format("{} ({})", t.node(*v).name, id);
}

net::Topology load(const TopoOptions& o) {
  const int sources = (!o.file.empty()) + (!o.generate.empty()) + (!o.as_graph.empty());
  if (sources != 1) usage("give one of FILE.graphml, --generate KIND or --as-graph FILE.txt");
  if (o.generate.empty() && (o.seed || o.nodes || !o.params.empty()))
    usage("--seed, --nodes and --param apply to --generate only");
  if (!o.generate.empty() &&
      (o.no_internet || !o.internet_capacity.empty() || !o.default_capacity.empty()))
    usage(
        "--no-internet, --internet-capacity and --default-capacity apply to imported files "
        "only");
  if (!o.as_graph.empty() && (o.no_internet || !o.internet_capacity.empty()))
    usage("an AS graph is the Internet itself: no internet node is attached to it");

  if (!o.generate.empty()) {
    const auto settings = parse_params(o.params, "topo");
    return net::generate(o.generate, o.seed.value_or(1), settings, o.nodes);
  }
  if (!o.as_graph.empty()) {
    net::AsGraphOptions options;
    if (!o.default_capacity.empty())
      options.capacity_bps = bandwidth_option("--default-capacity", o.default_capacity);
    return net::read_as_graph(o.as_graph, options);
  }
  net::GraphmlOptions options;
  if (!o.default_capacity.empty())
    options.default_capacity_bps = bandwidth_option("--default-capacity", o.default_capacity);
  if (o.no_internet) options.internet.reset();
  if (!o.internet_capacity.empty())
    options.internet->capacity_bps = bandwidth_option("--internet-capacity", o.internet_capacity);
  return net::read_graphml(o.file, options);
}

void print_summary(const net::Topology& t, const TopoOptions& o) {
  const net::TopologySummary s = net::summarize(t);
  const net::TopologyInfo& info = t.info;
  fmt::print("network      {} ({}{}{})\n", info.name, info.origin, info.file.empty() ? "" : ": ",
             info.file);
  if (info.is_topology_zoo)
    fmt::print("Topology: Internet Topology Zoo (Knight et al., IEEE JSAC 2011), CC BY 4.0\n");
  if (!info.parameters.empty()) {
    fmt::print("parameters   seed {}\n", o.seed.value_or(1));
    for (const auto& [key, value] : info.parameters)
      fmt::print("             {} = {}\n", key, value);
  }
  std::string kinds;
  for (net::NodeKind k : net::all_node_kinds) {
    const std::size_t n = s.nodes_by_kind[static_cast<std::size_t>(k)];
    if (n > 0) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", net::to_string(k), n);
  }
  fmt::print("nodes        {}{}{}\n", s.nodes, kinds.empty() ? "" : ": ", kinds);
  fmt::print("links        {}", s.links);
  if (s.merged_links > 0)
    fmt::print(" ({} of them merged from {} parallel edges)", s.merged_links, s.merged_edges);
  if (info.edge_records > 0) fmt::print("; {} edges in the file", info.edge_records);
  fmt::print("\n");
  if (s.links > 0) {
    fmt::print("capacity     {} to {} per link, {} in all\n",
               net::format_bandwidth(s.capacity.min_bps), net::format_bandwidth(s.capacity.max_bps),
               net::format_bandwidth(s.capacity.total_bps));
    if (s.default_capacity_links > 0)
      fmt::print("             the default capacity on {} of them (none in the source)\n",
                 s.default_capacity_links);
  }
  fmt::print("degree       min {}, mean {:.2f}, max {}\n", s.degree.min, s.degree.mean,
             s.degree.max);
  fmt::print("components   {}", s.components);
  if (s.has_internet && s.components_without_internet != s.components)
    fmt::print(" ({} without the internet node)", s.components_without_internet);
  fmt::print("\n");
  if (s.diameter_hops)
    fmt::print("diameter     {} hops\n", *s.diameter_hops);
  else
    fmt::print("diameter     not computed (more than 20,000 nodes)\n");
  if (!s.has_internet) {
    fmt::print("internet     none{}\n", info.origin == "AS graph" ||
                                                info.origin == "generated as-powerlaw" ||
                                                info.origin == "generated transit-stub"
                                            ? " (the graph is itself the Internet)"
                                            : "");
  } else {
    std::string names;
    const std::size_t shown = std::min<std::size_t>(s.internet_neighbours.size(), 8);
    for (std::size_t i = 0; i < shown; ++i)
      names += fmt::format("{}{}", i ? ", " : "", node_label(t, s.internet_neighbours[i]));
    if (s.internet_neighbours.size() > shown)
      names += fmt::format(" and {} more", s.internet_neighbours.size() - shown);
    fmt::print("internet     {}, linked to {} node(s): {}\n",
               info.is_internet_attached ? "attached" : "in the source",
               s.internet_neighbours.size(), names);
  }
  if (s.loaded_links > 0)
    fmt::print("background   {} links loaded; busiest {} at {:.1f}% of capacity\n", s.loaded_links,
               s.max_utilisation_link, 100.0 * s.max_utilisation);
  for (const auto& note : info.notes) fmt::print("note         {}\n", note);
}

void print_generators() {
  for (const auto& g : net::generators()) {
    fmt::print("generator {}\n  {}\n  source: {}\n", g.name, g.summary, g.source);
    for (const auto& p : g.params) {
      fmt::print("  {:<24} {:<7} default {}\n", p.key, p.unit.empty() ? "-" : p.unit,
                 p.default_value);
      fmt::print("  {:<24} {}\n", "", p.doc);
      if (p.type == net::ParamType::count)
        fmt::print("  {:<24} valid: {} to {}\n", "", p.min_count, p.max_count);
    }
    fmt::print("\n");
  }
}

template <class Writer>
void write_to(const std::string& path, Writer&& writer) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  writer(out);
  out.flush();
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path));
  fmt::print("wrote        {}\n", path);
}

}  // namespace

Action add_topo_command(CLI::App& app) {
  auto o = std::make_shared<TopoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "topo", "Load or generate a network topology, print its summary, write it as GraphML or DOT");
  cmd->add_option("FILE", o->file,
                  "GraphML file: an Internet Topology Zoo file or a planner's own (net/README.md)");
  cmd->add_option("--generate", o->generate,
                  "Generate a topology: transit-stub, as-powerlaw, campus");
  cmd->add_option("--as-graph", o->as_graph,
                  "AS graph edge list (two node numbers a line, '#' comments)");
  cmd->add_option("--seed", o->seed, "Seed of the generator (default 1)");
  cmd->add_option("--nodes", o->nodes,
                  "Node count: as-powerlaw's nodes; transit-stub: at least this many (sites per "
                  "access router); campus: exactly this many (segments)");
  cmd->add_option("--param", o->params,
                  "Generator parameter KEY=VALUE, repeatable (net/README.md lists them)")
      ->allow_extra_args(false);
  cmd->add_option("--traffic", o->traffic,
                  "CSV of measured background traffic: source,target,load (e.g. 12Mbps)");
  cmd->add_flag("--no-internet", o->no_internet,
                "Do not attach the node that stands for the rest of the Internet");
  cmd->add_option("--internet-capacity", o->internet_capacity,
                  "Capacity of each link to the internet node (default 10Gbps)");
  cmd->add_option("--default-capacity", o->default_capacity,
                  "Capacity of links the file gives none (default 1Gbps)");
  cmd->add_option("--write-graphml", o->write_graphml, "Write the topology as GraphML");
  cmd->add_option("--write-dot", o->write_dot, "Write the topology as Graphviz DOT");
  cmd->add_flag("--list-generators", o->list_generators,
                "List the generators with their parameters, units and defaults");
  return [o]() {
    if (o->list_generators) {
      print_generators();
      return kExitOk;
    }
    try {
      net::Topology t = load(*o);
      if (!o->traffic.empty()) net::read_background_traffic(t, o->traffic);
      print_summary(t, *o);
      if (!o->write_graphml.empty())
        write_to(o->write_graphml, [&t](std::ostream& out) { net::write_graphml(t, out); });
      if (!o->write_dot.empty())
        write_to(o->write_dot, [&t](std::ostream& out) { net::write_dot(t, out); });
    } catch (const net::InputError& e) {
      std::fflush(stdout);
      std::fputs(e.what(), stderr);
      return kExitBadInput;
    }
    return kExitOk;
  };
}

}  // namespace wormsim::app
