#include "net/graphml.hpp"

#include <fmt/format.h>

#include <boost/graph/graphviz.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <vector>

#include "net/input_error.hpp"
#include "net/units.hpp"
#include "net/xml.hpp"

namespace wormsim::net {

std::string read_input_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(fmt::format("{}: error: cannot read: it is a folder, not a file\n", path));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(fmt::format("{}: error: cannot read: {}\n", path, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(fmt::format("{}: error: cannot read the file\n", path));
  return ss.str();
}

namespace {

enum class Domain { node, edge, graph, all, other };

struct Key {
  std::string id;
  std::string name;        ///< attr.name (the id when absent)
  std::string lower_name;  ///< for the case-insensitive match of the names this reader knows
  Domain domain = Domain::all;
  std::optional<std::string> default_value;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

/// A value of an element's <data>, with where it was written (for messages).
struct Value {
  std::string text;
  std::size_t offset = 0;
};

std::optional<double> parse_double(std::string_view text) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

class GraphmlReader {
 public:
  GraphmlReader(std::string_view text, const std::string& file, const GraphmlOptions& options)
      : doc_(XmlDocument::parse(text, file)), file_(file), options_(options), problems_(file) {}

  Topology read() {
    const XmlElement& root = doc_.root();
    if (root.name != "graphml")
      fail_now(
          root.offset,
          fmt::format("expected a GraphML file (root element <graphml>), got <{}>", root.name));
    std::vector<std::size_t> graphs;
    for (std::size_t i : root.children) {
      const XmlElement& e = doc_.element(i);
      if (e.name == "key") read_key(e);
      if (e.name == "graph") graphs.push_back(i);
    }
    if (graphs.empty()) fail_now(root.offset, "expected a <graph> in <graphml>, found none");
    if (graphs.size() > 1)
      fail_now(doc_.element(graphs[1]).offset,
               fmt::format("expected one <graph>, found {}: only one graph per file is supported",
                           graphs.size()));
    problems_.throw_if_any();
    read_graph(doc_.element(graphs.front()));
    problems_.throw_if_any();
    return std::move(topology_);
  }

 private:
  [[noreturn]] void fail_now(std::size_t offset, std::string message) {
    add(offset, std::move(message));
    problems_.throw_if_any();
    throw InputError(file_);  // not reached: throw_if_any threw
  }

  void add(std::size_t offset, std::string message) {
    const auto [line, column] = doc_.position(offset);
    problems_.add(line, column, std::move(message));
  }

  void read_key(const XmlElement& e) {
    Key key;
    const std::string* id = e.attribute("id");
    if (!id || id->empty()) {
      add(e.offset, "expected an id attribute on <key>");
      return;
    }
    key.id = *id;
    const std::string* name = e.attribute("attr.name");
    key.name = name ? *name : *id;
    key.lower_name = lower(key.name);
    const std::string* domain = e.attribute("for");
    const std::string d = domain ? *domain : "all";
    key.domain = d == "node"    ? Domain::node
                 : d == "edge"  ? Domain::edge
                 : d == "graph" ? Domain::graph
                 : d == "all"   ? Domain::all
                                : Domain::other;
    // attr.type is not checked: values are parsed by what this reader does with them, and Zoo
    // files write "integer" where GraphML says "int".
    for (std::size_t i : e.children)
      if (doc_.element(i).name == "default") key.default_value = trim(doc_.element(i).text);
    if (keys_.count(key.id) != 0) {
      add(e.offset, fmt::format("key id \"{}\" is declared twice", key.id));
      return;
    }
    keys_.emplace(key.id, std::move(key));
  }

  /// The <data> values of an element by lower-case attribute name, key defaults filled in.
  std::map<std::string, Value> data_of(const XmlElement& e, Domain domain) {
    std::map<std::string, Value> values;
    for (const auto& [id, key] : keys_)
      if ((key.domain == domain || key.domain == Domain::all) && key.default_value)
        values[key.lower_name] = Value{*key.default_value, e.offset};
    for (std::size_t i : e.children) {
      const XmlElement& d = doc_.element(i);
      if (d.name != "data") continue;
      const std::string* key_id = d.attribute("key");
      if (!key_id) {
        add(d.offset, "expected a key attribute on <data>");
        continue;
      }
      const auto it = keys_.find(*key_id);
      if (it == keys_.end()) {
        add(d.offset,
            fmt::format("<data key=\"{}\">: no <key> declares id \"{}\"", *key_id, *key_id));
        continue;
      }
      values[it->second.lower_name] = Value{trim(d.text), d.offset};
    }
    return values;
  }

  static const Value* get(const std::map<std::string, Value>& values, std::string_view name) {
    const auto it = values.find(std::string(name));
    return it == values.end() ? nullptr : &it->second;
  }

  std::optional<double> coordinate(const std::map<std::string, Value>& values,
                                   std::string_view name, double limit) {
    const Value* v = get(values, name);
    if (!v || v->text.empty()) return std::nullopt;
    const auto x = parse_double(v->text);
    if (!x || std::abs(*x) > limit) {
      add(v->offset, fmt::format("{}: expected degrees from {} to {}, got \"{}\"", name, -limit,
                                 limit, v->text));
      return std::nullopt;
    }
    return x;
  }

  void read_graph(const XmlElement& graph) {
    const auto graph_data = data_of(graph, Domain::graph);
    TopologyInfo& info = topology_.info;
    info.file = file_;
    if (const Value* creator = get(graph_data, "creator"))
      info.is_topology_zoo = creator->text.find("Topology Zoo") != std::string::npos;
    info.origin = info.is_topology_zoo ? "Topology Zoo GraphML" : "GraphML";
    if (const Value* label = get(graph_data, "label"); label && !label->text.empty())
      info.name = label->text;
    else if (const Value* network = get(graph_data, "network"); network && !network->text.empty())
      info.name = network->text;
    else
      info.name = std::filesystem::path(file_).stem().string();
    const std::string* edgedefault = graph.attribute("edgedefault");
    if (edgedefault && *edgedefault == "directed")
      info.notes.push_back("The graph is directed; its edges are read as undirected links.");

    std::size_t external = 0;
    std::vector<std::size_t> edges;
    for (std::size_t i : graph.children) {
      const XmlElement& e = doc_.element(i);
      if (e.name == "node")
        external += read_node(e) ? 1 : 0;
      else if (e.name == "edge")
        edges.push_back(i);
      else if (e.name == "hyperedge")
        add(e.offset, "hyperedges are not supported: expected <node> and <edge> only");
    }
    if (external > 0)
      info.notes.push_back(fmt::format(
          "{} node(s) marked Internal = 0 (other networks) read as border nodes.", external));
    // Edges may name nodes declared after them, so they are read once every node is known.
    for (std::size_t i : edges) read_edge(doc_.element(i));

    if (info.self_loops_dropped > 0)
      info.notes.push_back(
          fmt::format("{} self-loop edge(s) dropped: a link from a node to "
                      "itself carries nothing.",
                      info.self_loops_dropped));
    std::size_t merged_edges = 0, merged_links = 0, defaults = 0;
    const Graph& g = topology_.graph();
    for (auto [it, end] = boost::edges(g); it != end; ++it) {
      if (g[*it].parallel_count > 1) {
        merged_edges += g[*it].parallel_count;
        ++merged_links;
      }
      defaults += g[*it].default_capacity_count;
    }
    if (merged_links > 0)
      info.notes.push_back(
          fmt::format("{} parallel edges merged into {} link(s), their capacities "
                      "summed.",
                      merged_edges, merged_links));
    if (defaults > 0)
      info.notes.push_back(fmt::format("{} of {} edges had no capacity: {} each (the default).",
                                       defaults, info.edge_records - info.self_loops_dropped,
                                       format_bandwidth(options_.default_capacity_bps)));
    if (!problems_.empty()) return;
    if (options_.internet) attach_internet(topology_, *options_.internet);
  }

  /// Reads one node; returns whether it is a Zoo node marked external.
  bool read_node(const XmlElement& e) {
    for (std::size_t i : e.children)
      if (doc_.element(i).name == "graph") {
        add(doc_.element(i).offset, "nested graphs are not supported: expected a flat <graph>");
        return false;
      }
    const std::string* id = e.attribute("id");
    if (!id || id->empty()) {
      add(e.offset, "expected an id attribute on <node>");
      return false;
    }
    if (topology_.find(*id)) {
      add(e.offset, fmt::format("node id \"{}\" is used twice", *id));
      return false;
    }
    const auto values = data_of(e, Domain::node);
    Node node;
    node.id = *id;
    node.name = *id;
    if (const Value* v = get(values, "name"); v && !v->text.empty())
      node.name = v->text;
    else if (const Value* l = get(values, "label"); l && !l->text.empty())
      node.name = l->text;
    node.latitude_deg = coordinate(values, "latitude", 90.0);
    node.longitude_deg = coordinate(values, "longitude", 180.0);
    if (node.latitude_deg.has_value() != node.longitude_deg.has_value()) {
      node.latitude_deg.reset();
      node.longitude_deg.reset();
    }
    if (const Value* v = get(values, "device")) node.device_model = v->text;
    bool is_external = false;
    if (const Value* v = get(values, "kind")) {
      const auto kind = parse_node_kind(v->text);
      if (!kind) {
        add(v->offset,
            fmt::format("kind: expected one of {}, got \"{}\"", node_kind_names(), v->text));
        return false;
      }
      if (*kind == NodeKind::internet && topology_.internet()) {
        add(v->offset, "kind: a second node of kind internet (there is one rest of the Internet)");
        return false;
      }
      node.kind = *kind;
    } else if (const Value* internal = get(values, "internal"); internal && internal->text == "0") {
      node.kind = NodeKind::border;
      is_external = true;
    }
    topology_.add_node(std::move(node));
    return is_external;
  }

  /// The capacity of an edge and whether it is the default. Precedence: capacity (with units),
  /// LinkSpeedRaw (bit/s), LinkSpeed with LinkSpeedUnits (K, M, G, T), else the default.
  std::optional<std::pair<std::uint64_t, bool>> capacity_of(
      const std::map<std::string, Value>& values) {
    if (const Value* v = get(values, "capacity")) {
      const auto bps = parse_bandwidth(v->text);
      if (!bps || *bps == 0) {
        add(v->offset, fmt::format("capacity: expected a positive bandwidth with one of the units "
                                   "{}, got \"{}\"",
                                   bandwidth_units, v->text));
        return std::nullopt;
      }
      return std::pair{*bps, false};
    }
    if (const Value* v = get(values, "linkspeedraw"); v && !v->text.empty()) {
      const auto raw = parse_double(v->text);
      if (!raw || *raw < 1.0 || *raw > 9.2e18) {
        add(v->offset,
            fmt::format("LinkSpeedRaw: expected a positive number of bit/s, got \"{}\"", v->text));
        return std::nullopt;
      }
      return std::pair{static_cast<std::uint64_t>(std::llround(*raw)), false};
    }
    const Value* speed = get(values, "linkspeed");
    const Value* units = get(values, "linkspeedunits");
    if (speed && !speed->text.empty() && units && !units->text.empty()) {
      const auto bps = parse_bandwidth(fmt::format("{}{}bps", speed->text, units->text));
      if (!bps || *bps == 0) {
        add(speed->offset, fmt::format("LinkSpeed: expected a positive number with LinkSpeedUnits "
                                       "K, M, G or T, got \"{}\" and \"{}\"",
                                       speed->text, units->text));
        return std::nullopt;
      }
      return std::pair{*bps, false};
    }
    return std::pair{options_.default_capacity_bps, true};
  }

  void read_edge(const XmlElement& e) {
    const std::string* source = e.attribute("source");
    const std::string* target = e.attribute("target");
    if (!source || !target) {
      add(e.offset, "expected source and target attributes on <edge>");
      return;
    }
    ++topology_.info.edge_records;
    const auto u = topology_.find(*source);
    const auto v = topology_.find(*target);
    if (!u || !v) {
      add(e.offset, fmt::format("<edge>: expected source and target to name nodes of the graph, "
                                "got \"{}\"",
                                !u ? *source : *target));
      return;
    }
    const auto values = data_of(e, Domain::edge);
    const auto capacity = capacity_of(values);
    Link link;
    if (capacity) {
      link.capacity_bps = capacity->first;
      link.default_capacity_count = capacity->second ? 1 : 0;
    }
    const Node& a = topology_.node(*u);
    const Node& b = topology_.node(*v);
    if (const Value* l = get(values, "latency")) {
      const auto latency = sim::parse_duration(l->text);
      if (!latency) {
        add(l->offset, fmt::format("latency: expected a duration with one of the units {}, got "
                                   "\"{}\"",
                                   sim::duration_units, l->text));
        return;
      }
      link.latency = *latency;
    } else if (a.latitude_deg && b.latitude_deg) {
      link.latency = fibre_latency(
          great_circle_km(*a.latitude_deg, *a.longitude_deg, *b.latitude_deg, *b.longitude_deg));
    } else {
      link.latency = options_.default_latency;
    }
    if (const Value* p = get(values, "parallel")) {
      const auto count = parse_count(p->text);
      if (!count || *count == 0 || *count > 1'000'000) {
        add(p->offset,
            fmt::format("parallel: expected a count of links from 1, got \"{}\"", p->text));
        return;
      }
      link.parallel_count = static_cast<std::uint32_t>(*count);
    }
    if (!capacity) return;
    if (*u == *v) {
      ++topology_.info.self_loops_dropped;
      return;
    }
    topology_.add_link(*u, *v, link);
  }

  XmlDocument doc_;
  std::string file_;
  const GraphmlOptions& options_;
  Problems problems_;
  std::map<std::string, Key> keys_;
  Topology topology_;
};

std::string escape_xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

Topology parse_graphml(std::string_view text, const std::string& file,
                       const GraphmlOptions& options) {
  GraphmlReader reader(text, file, options);
  return reader.read();
}

Topology read_graphml(const std::string& path, const GraphmlOptions& options) {
  const std::string text = read_input_file(path);
  return parse_graphml(text, path, options);
}

void write_graphml(const Topology& topology, std::ostream& out) {
  const Graph& g = topology.graph();
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
         "  <key id=\"label\" for=\"graph\" attr.name=\"label\" attr.type=\"string\"/>\n"
         "  <key id=\"name\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n"
         "  <key id=\"kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>\n"
         "  <key id=\"latitude\" for=\"node\" attr.name=\"latitude\" attr.type=\"double\"/>\n"
         "  <key id=\"longitude\" for=\"node\" attr.name=\"longitude\" attr.type=\"double\"/>\n"
         "  <key id=\"device\" for=\"node\" attr.name=\"device\" attr.type=\"string\"/>\n"
         "  <key id=\"capacity\" for=\"edge\" attr.name=\"capacity\" attr.type=\"string\"/>\n"
         "  <key id=\"latency\" for=\"edge\" attr.name=\"latency\" attr.type=\"string\"/>\n"
         "  <key id=\"parallel\" for=\"edge\" attr.name=\"parallel\" attr.type=\"int\"/>\n"
         "  <graph edgedefault=\"undirected\">\n";
  out << fmt::format("    <data key=\"label\">{}</data>\n", escape_xml(topology.info.name));
  for (auto [it, end] = boost::vertices(g); it != end; ++it) {
    const Node& n = g[*it];
    out << fmt::format("    <node id=\"{}\">\n", escape_xml(n.id));
    out << fmt::format("      <data key=\"name\">{}</data>\n", escape_xml(n.name));
    out << fmt::format("      <data key=\"kind\">{}</data>\n", to_string(n.kind));
    if (n.latitude_deg && n.longitude_deg) {
      out << fmt::format("      <data key=\"latitude\">{}</data>\n", *n.latitude_deg);
      out << fmt::format("      <data key=\"longitude\">{}</data>\n", *n.longitude_deg);
    }
    if (!n.device_model.empty())
      out << fmt::format("      <data key=\"device\">{}</data>\n", escape_xml(n.device_model));
    out << "    </node>\n";
  }
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const Link& l = g[*it];
    out << fmt::format("    <edge source=\"{}\" target=\"{}\">\n",
                       escape_xml(g[boost::source(*it, g)].id),
                       escape_xml(g[boost::target(*it, g)].id));
    out << fmt::format("      <data key=\"capacity\">{}</data>\n",
                       format_bandwidth(l.capacity_bps));
    out << fmt::format("      <data key=\"latency\">{}</data>\n", sim::format_duration(l.latency));
    if (l.parallel_count != 1)
      out << fmt::format("      <data key=\"parallel\">{}</data>\n", l.parallel_count);
    out << "    </edge>\n";
  }
  out << "  </graph>\n</graphml>\n";
}

void write_dot(const Topology& topology, std::ostream& out) {
  const Graph& g = topology.graph();
  const auto vertex_writer = [&g](std::ostream& os, Vertex v) {
    os << "[label=" << boost::escape_dot_string(g[v].name)
       << ", kind=" << boost::escape_dot_string(std::string(to_string(g[v].kind))) << "]";
  };
  const auto edge_writer = [&g](std::ostream& os, Edge e) {
    const Link& l = g[e];
    os << "[label=" << boost::escape_dot_string(format_bandwidth(l.capacity_bps))
       << ", latency=" << boost::escape_dot_string(sim::format_duration(l.latency));
    if (l.parallel_count != 1) os << ", parallel=" << l.parallel_count;
    os << "]";
  };
  const auto graph_writer = [&topology](std::ostream& os) {
    os << "label=" << boost::escape_dot_string(topology.info.name) << ";\n";
  };
  const auto id =
      boost::make_function_property_map<Vertex, std::string>([&g](Vertex v) { return g[v].id; });
  boost::write_graphviz(out, g, vertex_writer, edge_writer, graph_writer, id);
}

}  // namespace wormsim::net
