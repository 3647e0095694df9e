#include "net/traffic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "net/graphml.hpp"
#include "net/input_error.hpp"
#include "net/units.hpp"

namespace wormsim::net {

namespace {

struct Field {
  std::size_t column = 0;  ///< 1-based, of the field's first non-blank character
  std::string_view text;
};

std::vector<Field> split_csv_line(std::string_view line) {
  std::vector<Field> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    std::string_view f = line.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::size_t lead = 0;
    while (lead < f.size() && (f[lead] == ' ' || f[lead] == '\t')) ++lead;
    f.remove_prefix(lead);
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.remove_suffix(1);
    fields.push_back(Field{start + lead + 1, f});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

}  // namespace

std::size_t read_background_traffic(Topology& topology, const std::string& path) {
  return parse_background_traffic(topology, read_input_file(path), path);
}

std::size_t parse_background_traffic(Topology& topology, std::string_view text,
                                     const std::string& file) {
  Problems problems(file);
  bool has_header = false;
  std::size_t line_number = 0, rows = 0;
  // (edge's source vertex, target vertex, direction) -> line that set it
  std::map<std::tuple<Vertex, Vertex, int>, std::size_t> seen;
  struct Row {
    Edge edge;
    int direction;
    std::uint64_t load_bps;
  };
  std::vector<Row> accepted;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    const auto fields = split_csv_line(line);
    if (!has_header) {
      if (fields.size() != 3 || fields[0].text != "source" || fields[1].text != "target" ||
          fields[2].text != "load") {
        problems.add(line_number, 1,
                     fmt::format("expected the header \"source,target,load\", got \"{}\"", line));
        break;
      }
      has_header = true;
      continue;
    }
    if (fields.size() != 3) {
      problems.add(line_number, 1,
                   fmt::format("expected three fields source,target,load, got {}", fields.size()));
      continue;
    }
    const auto u = topology.find(fields[0].text);
    const auto v = topology.find(fields[1].text);
    for (int k = 0; k < 2; ++k)
      if (!(k == 0 ? u : v))
        problems.add(
            line_number, fields[static_cast<std::size_t>(k)].column,
            fmt::format("{}: expected the id of a node of the topology, got \"{}\"",
                        k == 0 ? "source" : "target", fields[static_cast<std::size_t>(k)].text));
    const auto load = parse_bandwidth(fields[2].text);
    if (!load)
      problems.add(line_number, fields[2].column,
                   fmt::format("load: expected a bandwidth with one of the units {}, got \"{}\"",
                               bandwidth_units, fields[2].text));
    if (!u || !v || !load) continue;
    const auto edge = *u == *v ? std::nullopt : topology.link_between(*u, *v);
    if (!edge) {
      problems.add(line_number, fields[0].column,
                   fmt::format("no link joins \"{}\" and \"{}\"", fields[0].text, fields[1].text));
      continue;
    }
    const Link& link = topology.link(*edge);
    if (*load > link.capacity_bps) {
      problems.add(line_number, fields[2].column,
                   fmt::format("load: {} exceeds the capacity of the link {} - {}, {} (a unit "
                               "mistake?)",
                               format_bandwidth(*load), fields[0].text, fields[1].text,
                               format_bandwidth(link.capacity_bps)));
      continue;
    }
    const int direction = *u < *v ? 0 : 1;
    const auto key = std::tuple{std::min(*u, *v), std::max(*u, *v), direction};
    if (const auto it = seen.find(key); it != seen.end()) {
      problems.add(line_number, fields[0].column,
                   fmt::format("the load from \"{}\" to \"{}\" is already given on line {}",
                               fields[0].text, fields[1].text, it->second));
      continue;
    }
    seen.emplace(key, line_number);
    accepted.push_back(Row{*edge, direction, *load});
    ++rows;
  }
  if (!has_header && problems.empty())
    problems.add(0, 0, "expected the header \"source,target,load\", found an empty file");
  problems.throw_if_any();
  for (const Row& r : accepted)
    topology.link(r.edge).background_bps[static_cast<std::size_t>(r.direction)] = r.load_bps;
  return rows;
}

}  // namespace wormsim::net
