#include "net/as_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <utility>
#include <vector>

#include "net/graphml.hpp"
#include "net/input_error.hpp"
#include "net/units.hpp"

namespace wormsim::net {

Topology read_as_graph(const std::string& path, const AsGraphOptions& options) {
  return parse_as_graph(read_input_file(path), path, options);
}

Topology parse_as_graph(std::string_view text, const std::string& file,
                        const AsGraphOptions& options) {
  Problems problems(file);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> edges;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF files

    std::vector<std::pair<std::size_t, std::string_view>> fields;  // (column, text)
    std::size_t i = 0;
    while (i < line.size()) {
      if (line[i] == ' ' || line[i] == '\t') {
        ++i;
        continue;
      }
      if (line[i] == '#') break;
      const std::size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '#') ++i;
      fields.emplace_back(start + 1, line.substr(start, i - start));
    }
    if (fields.empty()) continue;
    if (fields.size() != 2) {
      problems.add(line_number, fields.front().first,
                   fmt::format("expected two node numbers separated by a tab, got {} field(s)",
                               fields.size()));
      continue;
    }
    std::uint64_t ends[2] = {0, 0};
    bool ok = true;
    for (int k = 0; k < 2; ++k) {
      const std::string_view f = fields[static_cast<std::size_t>(k)].second;
      const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), ends[k]);
      if (ec != std::errc() || ptr != f.data() + f.size()) {
        problems.add(line_number, fields[static_cast<std::size_t>(k)].first,
                     fmt::format("expected a node number (0 or more), got \"{}\"", f));
        ok = false;
      }
    }
    if (ok) edges.emplace_back(ends[0], ends[1]);
    if (problems.items().size() > 100) break;  // a file of something else: enough said
  }
  problems.throw_if_any();
  if (edges.empty())
    throw InputError(
        fmt::format("{}: error: expected an AS graph (lines of two node numbers), "
                    "found no edge\n",
                    file));

  std::vector<std::uint64_t> ids;
  ids.reserve(edges.size() * 2);
  for (const auto& [a, b] : edges) {
    ids.push_back(a);
    ids.push_back(b);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  Topology topology;
  topology.info.origin = "AS graph";
  topology.info.file = file;
  topology.info.name = std::filesystem::path(file).stem().string();
  for (std::uint64_t id : ids) {
    Node node;
    node.id = std::to_string(id);
    node.name = node.id;
    topology.add_node(std::move(node));
  }
  const auto vertex_of = [&ids](std::uint64_t id) {
    return static_cast<Vertex>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
  };
  Link link;
  link.capacity_bps = options.capacity_bps;
  link.latency = options.latency;
  link.default_capacity_count = 1;
  for (const auto& [a, b] : edges) {
    ++topology.info.edge_records;
    if (a == b) {
      ++topology.info.self_loops_dropped;
      continue;
    }
    topology.add_link(vertex_of(a), vertex_of(b), link);
  }
  const Graph& g = topology.graph();
  for (Vertex v = 0; v < topology.node_count(); ++v)
    topology.set_kind(v, boost::out_degree(v, g) <= 1 ? NodeKind::access : NodeKind::core);

  TopologyInfo& info = topology.info;
  const std::size_t merged = info.edge_records - info.self_loops_dropped - topology.link_count();
  info.notes.push_back(
      fmt::format("{} edges read: {} self-loops (an AS to itself) dropped, {} "
                  "repeated edges merged, {} links.",
                  info.edge_records, info.self_loops_dropped, merged, topology.link_count()));
  info.notes.push_back(
      fmt::format("Every link gets {} and {} (the file has neither); ASes with "
                  "at most one neighbour are stubs (kind access).",
                  format_bandwidth(options.capacity_bps), sim::format_duration(options.latency)));
  return topology;
}

}  // namespace wormsim::net
