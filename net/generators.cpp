#include "net/generators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <variant>

#include "net/input_error.hpp"
#include "net/units.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace wormsim::net {

namespace {

// Stream entities: one range per generator, so that no two generators share draws, and within a
// generator one stream per structural piece, so that changing one tier's size does not move the
// draws of another (the transit core stays the same when sites_per_access changes).
constexpr std::uint64_t kTransitStubEntity = std::uint64_t{1} << 40;
constexpr std::uint64_t kPowerLawEntity = std::uint64_t{2} << 40;
constexpr std::uint64_t kCampusEntity = std::uint64_t{3} << 40;

sim::RandomStream stream(std::uint64_t seed, std::uint64_t entity) {
  return sim::RandomStream(seed, 0, entity, sim::Purpose::topology);
}

Link make_link(std::uint64_t capacity_bps, sim::SimTime latency) {
  Link l;
  l.capacity_bps = capacity_bps;
  l.latency = latency;
  return l;
}

Vertex add(Topology& t, std::string id, NodeKind kind, std::string device) {
  Node n;
  n.name = id;
  n.id = std::move(id);
  n.kind = kind;
  n.device_model = std::move(device);
  return t.add_node(std::move(n));
}

// ---- parameter tables ----------------------------------------------------------------------

template <class P>
struct Binding {
  GeneratorParam spec;
  std::variant<std::uint32_t P::*, double P::*, std::uint64_t P::*, sim::SimTime P::*, bool P::*>
      field;
};

template <class P>
Binding<P> count(std::string key, std::uint32_t P::*field, std::uint64_t lo, std::uint64_t hi,
                 std::string doc) {
  return {{std::move(key), ParamType::count, "", "", std::move(doc), lo, hi}, field};
}
template <class P>
Binding<P> probability(std::string key, double P::*field, std::string doc) {
  return {{std::move(key), ParamType::probability, "", "", std::move(doc)}, field};
}
template <class P>
Binding<P> bandwidth(std::string key, std::uint64_t P::*field, std::string doc) {
  return {{std::move(key), ParamType::bandwidth, "bit/s", "", std::move(doc)}, field};
}
template <class P>
Binding<P> duration(std::string key, sim::SimTime P::*field, std::string doc) {
  return {{std::move(key), ParamType::duration, "time", "", std::move(doc)}, field};
}
template <class P>
Binding<P> boolean(std::string key, bool P::*field, std::string doc) {
  return {{std::move(key), ParamType::boolean, "", "", std::move(doc)}, field};
}

template <class P>
std::string format_value(const P& p, const Binding<P>& b) {
  switch (b.spec.type) {
    case ParamType::count:
      return fmt::format("{}", p.*std::get<std::uint32_t P::*>(b.field));
    case ParamType::probability:
      return fmt::format("{}", p.*std::get<double P::*>(b.field));
    case ParamType::bandwidth:
      return format_bandwidth(p.*std::get<std::uint64_t P::*>(b.field));
    case ParamType::duration:
      return sim::format_duration(p.*std::get<sim::SimTime P::*>(b.field));
    case ParamType::boolean:
      return p.*std::get<bool P::*>(b.field) ? "true" : "false";
  }
  return {};
}

/// Sets the field from text; returns what was expected if the text is not valid.
template <class P>
std::optional<std::string> set_value(P& p, const Binding<P>& b, std::string_view text) {
  switch (b.spec.type) {
    case ParamType::count: {
      std::uint64_t v = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || ptr != text.data() + text.size() || v < b.spec.min_count ||
          v > b.spec.max_count)
        return fmt::format("a whole number from {} to {}", b.spec.min_count, b.spec.max_count);
      p.*std::get<std::uint32_t P::*>(b.field) = static_cast<std::uint32_t>(v);
      return std::nullopt;
    }
    case ParamType::probability: {
      double v = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || ptr != text.data() + text.size() || !(v >= 0.0 && v <= 1.0))
        return std::string("a probability from 0 to 1");
      p.*std::get<double P::*>(b.field) = v;
      return std::nullopt;
    }
    case ParamType::bandwidth: {
      const auto v = parse_bandwidth(text);
      if (!v || *v == 0)
        return fmt::format("a positive bandwidth with one of the units {}", bandwidth_units);
      p.*std::get<std::uint64_t P::*>(b.field) = *v;
      return std::nullopt;
    }
    case ParamType::duration: {
      const auto v = sim::parse_duration(text);
      if (!v) return fmt::format("a duration with one of the units {}", sim::duration_units);
      p.*std::get<sim::SimTime P::*>(b.field) = *v;
      return std::nullopt;
    }
    case ParamType::boolean:
      if (text == "true" || text == "false") {
        p.*std::get<bool P::*>(b.field) = text == "true";
        return std::nullopt;
      }
      return std::string("true or false");
  }
  return std::string("a value");
}

const std::vector<Binding<TransitStubParams>>& transit_stub_bindings() {
  using P = TransitStubParams;
  static const std::vector<Binding<P>> b{
      count<P>("transit_domains", &P::transit_domains, 1, 1000,
               "transit domains (backbone providers); every pair is joined by one link"),
      count<P>("cores_per_domain", &P::cores_per_domain, 1, 1000,
               "core routers per transit domain, on a ring"),
      probability<P>("core_link_probability", &P::core_link_probability,
                     "probability of a chord between two cores of a domain not adjacent on the "
                     "ring"),
      count<P>("regionals_per_core", &P::regionals_per_core, 0, 1000,
               "regional ISPs (stub domains) per core router"),
      probability<P>("multihoming_probability", &P::multihoming_probability,
                     "probability that a regional ISP also links to a second core of its domain"),
      count<P>("access_per_regional", &P::access_per_regional, 0, 1000,
               "access routers per regional ISP"),
      count<P>("sites_per_access", &P::sites_per_access, 0, 100000,
               "customer sites per access router"),
      bandwidth<P>("inter_domain_capacity", &P::inter_domain_capacity_bps,
                   "links between transit domains (OC-48)"),
      bandwidth<P>("core_capacity", &P::core_capacity_bps,
                   "links between cores of a domain (OC-48)"),
      bandwidth<P>("regional_capacity", &P::regional_capacity_bps, "regional ISP to core (OC-12)"),
      bandwidth<P>("access_capacity", &P::access_capacity_bps, "access router to regional (OC-3)"),
      bandwidth<P>("site_capacity", &P::site_capacity_bps, "customer site to access router (T1)"),
      duration<P>("inter_domain_latency", &P::inter_domain_latency,
                  "one-way delay between domains"),
      duration<P>("core_latency", &P::core_latency, "one-way delay between cores"),
      duration<P>("regional_latency", &P::regional_latency, "regional ISP to core"),
      duration<P>("access_latency", &P::access_latency, "access router to regional"),
      duration<P>("site_latency", &P::site_latency, "site to access router"),
  };
  return b;
}

const std::vector<Binding<PowerLawParams>>& power_law_bindings() {
  using P = PowerLawParams;
  static const std::vector<Binding<P>> b{
      count<P>("nodes", &P::nodes, 2, 10'000'000, "ASes (more than m)"),
      count<P>("m", &P::m, 1, 1000, "links each new AS makes (mean degree about 2m)"),
      bandwidth<P>("link_capacity", &P::link_capacity_bps, "every inter-AS link"),
      duration<P>("link_latency", &P::link_latency, "every inter-AS link, one way"),
  };
  return b;
}

const std::vector<Binding<CampusParams>>& campus_bindings() {
  using P = CampusParams;
  static const std::vector<Binding<P>> b{
      count<P>("distribution_routers", &P::distribution_routers, 1, 10000,
               "distribution routers behind the border router (not with flat)"),
      count<P>("segments", &P::segments, 1, 1'000'000, "LAN segments (site nodes; not with flat)"),
      boolean<P>("flat", &P::flat, "one big segment straight behind the border router"),
      boolean<P>("firewall", &P::firewall,
                 "the border router has a firewall (its device model; what it blocks is a "
                 "defence)"),
      bandwidth<P>("uplink_capacity", &P::uplink_capacity_bps, "border router to the ISP (DS3)"),
      duration<P>("uplink_latency", &P::uplink_latency,
                  "border router to the rest of the Internet"),
      bandwidth<P>("backbone_capacity", &P::backbone_capacity_bps,
                   "border to distribution routers (Gigabit Ethernet)"),
      duration<P>("backbone_latency", &P::backbone_latency, "border to distribution routers"),
      bandwidth<P>("segment_capacity", &P::segment_capacity_bps,
                   "a switched segment (Fast Ethernet); the flat network's one segment"),
      probability<P>("slow_segment_share", &P::slow_segment_share,
                     "probability that a segment is still shared 10 Mbit/s Ethernet"),
      bandwidth<P>("slow_segment_capacity", &P::slow_segment_capacity_bps,
                   "a shared Ethernet segment"),
      duration<P>("segment_latency", &P::segment_latency, "distribution router to a segment"),
  };
  return b;
}

template <class P>
std::vector<GeneratorParam> specs(const std::vector<Binding<P>>& bindings) {
  const P defaults{};
  std::vector<GeneratorParam> out;
  for (const auto& b : bindings) {
    GeneratorParam spec = b.spec;
    spec.default_value = format_value(defaults, b);
    out.push_back(std::move(spec));
  }
  return out;
}

template <class P>
std::vector<std::pair<std::string, std::string>> used(const P& p,
                                                      const std::vector<Binding<P>>& bindings) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& b : bindings) out.emplace_back(b.spec.key, format_value(p, b));
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

/// "; did you mean 'x'?" for the nearest name within a third of the length, else "".
std::string suggestion(std::string_view given, const std::vector<std::string>& names) {
  std::size_t best = given.size() / 3 + 1;
  std::string found;
  for (const auto& n : names) {
    const std::size_t d = edit_distance(given, n);
    if (d <= best && (found.empty() || d < best)) {
      best = d;
      found = n;
    }
  }
  return found.empty() ? "" : fmt::format("; did you mean '{}'?", found);
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

[[noreturn]] void reject(std::string_view generator, const std::string& message) {
  throw InputError(fmt::format("generator {}: error: {}\n", generator, message));
}

/// Applies the settings to a parameter set, checking every key and value.
template <class P>
P apply(std::string_view generator, const std::vector<Binding<P>>& bindings,
        const std::vector<std::pair<std::string, std::string>>& settings) {
  P p{};
  std::vector<std::string> names;
  for (const auto& b : bindings) names.push_back(b.spec.key);
  std::string problems;
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const auto& [key, value] = settings[i];
    for (std::size_t j = 0; j < i; ++j)
      if (settings[j].first == key)
        problems +=
            fmt::format("generator {}: error: parameter {} is given twice\n", generator, key);
    const auto it = std::find_if(bindings.begin(), bindings.end(),
                                 [&key](const Binding<P>& b) { return b.spec.key == key; });
    if (it == bindings.end()) {
      problems += fmt::format("generator {}: error: no parameter '{}'{} Known: {}\n", generator,
                              key, suggestion(key, names), join(names));
      continue;
    }
    if (const auto expected = set_value(p, *it, value))
      problems += fmt::format("generator {}: error: parameter {}: expected {}, got \"{}\"\n",
                              generator, key, *expected, value);
  }
  if (!problems.empty()) throw InputError(problems);
  return p;
}

/// Refuses a graph that would not fit in memory (or take hours): at most 10^7 nodes and 5*10^7
/// links, counted before anything is built (upper bounds where links are random).
void check_size(std::string_view generator, double nodes, double links) {
  constexpr double kMaxNodes = 1e7, kMaxLinks = 5e7;
  if (nodes > kMaxNodes || links > kMaxLinks)
    reject(generator, fmt::format("these parameters make about {:.3g} nodes and up to {:.3g} "
                                  "links; the limits are {:.0e} and {:.0e}",
                                  nodes, links, kMaxNodes, kMaxLinks));
}

bool has_key(const std::vector<std::pair<std::string, std::string>>& settings,
             std::string_view key) {
  return std::any_of(settings.begin(), settings.end(),
                     [key](const auto& kv) { return kv.first == key; });
}

}  // namespace

const std::vector<GeneratorInfo>& generators() {
  static const std::vector<GeneratorInfo> list{
      {"transit-stub",
       "transit domains of core routers, regional ISPs per core, access routers, customer sites",
       "Zegura, Calvert, Bhattacharjee, \"How to model an internetwork\", INFOCOM 1996 (GT-ITM)",
       specs(transit_stub_bindings())},
      {"as-powerlaw", "AS-level graph grown by preferential attachment (heavy-tailed degrees)",
       "Barabasi, Albert, \"Emergence of scaling in random networks\", Science 286, 1999",
       specs(power_law_bindings())},
      {"campus",
       "enterprise or campus: border router with firewall, distribution routers, LAN segments",
       "early-2000s campus design: DS3 uplink, Gigabit Ethernet backbone, Fast Ethernet segments",
       specs(campus_bindings())},
  };
  return list;
}

Topology generate_transit_stub(const TransitStubParams& p, std::uint64_t seed) {
  Topology t;
  const std::uint32_t T = p.transit_domains, C = p.cores_per_domain;
  std::vector<std::vector<Vertex>> cores(T);
  for (std::uint32_t d = 0; d < T; ++d)
    for (std::uint32_t i = 0; i < C; ++i)
      cores[d].push_back(add(t, fmt::format("t{}.c{}", d, i), NodeKind::core, "core-router"));

  for (std::uint32_t d = 0; d < T; ++d) {
    const Link link = make_link(p.core_capacity_bps, p.core_latency);
    // The ring keeps the domain connected; chords join non-adjacent cores at random.
    if (C == 2) t.add_link(cores[d][0], cores[d][1], link);
    if (C >= 3)
      for (std::uint32_t i = 0; i < C; ++i) t.add_link(cores[d][i], cores[d][(i + 1) % C], link);
    auto s = stream(seed, kTransitStubEntity + d);
    for (std::uint32_t i = 0; i < C; ++i)
      for (std::uint32_t j = i + 2; j < C; ++j) {
        if (i == 0 && j == C - 1) continue;  // adjacent on the ring
        if (sim::variates::bernoulli(s, p.core_link_probability))
          t.add_link(cores[d][i], cores[d][j], link);
      }
  }
  {
    auto s = stream(seed, kTransitStubEntity + (std::uint64_t{1} << 20));
    const Link link = make_link(p.inter_domain_capacity_bps, p.inter_domain_latency);
    for (std::uint32_t a = 0; a < T; ++a)
      for (std::uint32_t b = a + 1; b < T; ++b) {
        const auto i = sim::variates::uniform_below(s, C);
        const auto j = sim::variates::uniform_below(s, C);
        t.add_link(cores[a][i], cores[b][j], link);
      }
  }
  const Link regional_link = make_link(p.regional_capacity_bps, p.regional_latency);
  const Link access_link = make_link(p.access_capacity_bps, p.access_latency);
  const Link site_link = make_link(p.site_capacity_bps, p.site_latency);
  for (std::uint32_t d = 0; d < T; ++d)
    for (std::uint32_t i = 0; i < C; ++i) {
      auto s =
          stream(seed, kTransitStubEntity + (std::uint64_t{2} << 20) + std::uint64_t{d} * C + i);
      for (std::uint32_t r = 0; r < p.regionals_per_core; ++r) {
        const std::string rid = fmt::format("t{}.c{}.r{}", d, i, r);
        const Vertex regional = add(t, rid, NodeKind::regional, "regional-router");
        t.add_link(cores[d][i], regional, regional_link);
        // Drawn for every regional ISP, so the stream's position does not depend on C.
        const bool second = sim::variates::bernoulli(s, p.multihoming_probability);
        const auto other = sim::variates::uniform_below(s, C);
        if (second && C > 1 && other != i) t.add_link(cores[d][other], regional, regional_link);
        for (std::uint32_t a = 0; a < p.access_per_regional; ++a) {
          const std::string aid = fmt::format("{}.a{}", rid, a);
          const Vertex access = add(t, aid, NodeKind::access, "access-router");
          t.add_link(regional, access, access_link);
          for (std::uint32_t k = 0; k < p.sites_per_access; ++k) {
            const Vertex site =
                add(t, fmt::format("{}.s{}", aid, k), NodeKind::site, "customer-site");
            t.add_link(access, site, site_link);
          }
        }
      }
    }
  t.info.name = "transit-stub";
  t.info.origin = "generated transit-stub";
  t.info.parameters = used(p, transit_stub_bindings());
  return t;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> as_powerlaw_links(const PowerLawParams& p,
                                                                       std::uint64_t seed) {
  if (p.m < 1 || p.nodes <= p.m)
    throw std::invalid_argument(fmt::format(
        "net::generate_as_powerlaw: needs 1 <= m < nodes, got m = {}, nodes = {}", p.m, p.nodes));
  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
  const std::size_t count = static_cast<std::size_t>(p.m) * (p.m + 1) / 2 +
                            static_cast<std::size_t>(p.nodes - p.m - 1) * p.m;
  links.reserve(count);
  // Every link puts both its ends in `ends`; a uniform pick from it chooses a node with
  // probability proportional to its degree.
  std::vector<std::uint32_t> ends;
  ends.reserve(2 * count);
  for (std::uint32_t a = 0; a <= p.m; ++a)
    for (std::uint32_t b = a + 1; b <= p.m; ++b) {
      links.emplace_back(a, b);
      ends.push_back(a);
      ends.push_back(b);
    }
  auto s = stream(seed, kPowerLawEntity);
  std::vector<std::uint32_t> chosen;
  for (std::uint32_t v = p.m + 1; v < p.nodes; ++v) {
    chosen.clear();
    while (chosen.size() < p.m) {
      const std::uint32_t target = ends[sim::variates::uniform_below(s, ends.size())];
      if (std::find(chosen.begin(), chosen.end(), target) == chosen.end()) chosen.push_back(target);
    }
    for (std::uint32_t target : chosen) {
      links.emplace_back(v, target);
      ends.push_back(v);
      ends.push_back(target);
    }
  }
  return links;
}

Topology generate_as_powerlaw(const PowerLawParams& p, std::uint64_t seed) {
  const auto links = as_powerlaw_links(p, seed);
  Topology t;
  for (std::uint32_t v = 0; v < p.nodes; ++v) add(t, fmt::format("as{}", v), NodeKind::core, "as");
  const Link link = make_link(p.link_capacity_bps, p.link_latency);
  for (const auto& [a, b] : links) t.add_link(a, b, link);
  for (Vertex v = 0; v < p.nodes; ++v)
    if (boost::out_degree(v, t.graph()) <= p.m) t.set_kind(v, NodeKind::access);
  t.info.name = "as-powerlaw";
  t.info.origin = "generated as-powerlaw";
  t.info.parameters = used(p, power_law_bindings());
  return t;
}

Topology generate_campus(const CampusParams& p, std::uint64_t seed) {
  Topology t;
  const Vertex internet = add(t, "internet", NodeKind::internet, "");
  const Vertex border =
      add(t, "border", NodeKind::border, p.firewall ? "border-router+firewall" : "border-router");
  t.add_link(border, internet, make_link(p.uplink_capacity_bps, p.uplink_latency));
  if (p.flat) {
    const Vertex lan = add(t, "lan", NodeKind::site, "lan-segment");
    t.add_link(border, lan, make_link(p.segment_capacity_bps, p.segment_latency));
  } else {
    std::vector<Vertex> dist;
    for (std::uint32_t i = 0; i < p.distribution_routers; ++i) {
      dist.push_back(
          add(t, fmt::format("dist{}", i), NodeKind::distribution, "distribution-router"));
      t.add_link(border, dist.back(), make_link(p.backbone_capacity_bps, p.backbone_latency));
    }
    auto s = stream(seed, kCampusEntity);
    for (std::uint32_t k = 0; k < p.segments; ++k) {
      // Two draws per segment, whatever the outcome: its router and its speed.
      const auto pick = sim::variates::uniform_below(s, dist.size());
      const bool slow = sim::variates::bernoulli(s, p.slow_segment_share);
      const Vertex router = dist[k < dist.size() ? k : pick];
      const Vertex lan = add(t, fmt::format("lan{}", k), NodeKind::site, "lan-segment");
      t.add_link(router, lan,
                 make_link(slow ? p.slow_segment_capacity_bps : p.segment_capacity_bps,
                           p.segment_latency));
    }
  }
  t.info.name = p.flat ? "campus (flat)" : "campus";
  t.info.origin = "generated campus";
  t.info.parameters = used(p, campus_bindings());
  return t;
}

Topology generate(std::string_view name, std::uint64_t seed,
                  const std::vector<std::pair<std::string, std::string>>& settings,
                  std::optional<std::uint64_t> target_nodes) {
  if (name == "transit-stub") {
    auto p = apply(name, transit_stub_bindings(), settings);
    if (target_nodes) {
      if (has_key(settings, "sites_per_access"))
        reject(name, "give a node count or sites_per_access, not both");
      const std::uint64_t cores = std::uint64_t{p.transit_domains} * p.cores_per_domain;
      const std::uint64_t base = cores * (1 + std::uint64_t{p.regionals_per_core} *
                                                  (1 + std::uint64_t{p.access_per_regional}));
      const std::uint64_t leaves =
          cores * p.regionals_per_core * std::uint64_t{p.access_per_regional};
      if (*target_nodes < base || (leaves == 0 && *target_nodes != base))
        reject(name, fmt::format("cannot make {} nodes: with these parameters a transit-stub "
                                 "network has {} nodes plus a multiple of {} sites",
                                 *target_nodes, base, leaves));
      const std::uint64_t sites = leaves == 0 ? 0 : (*target_nodes - base + leaves - 1) / leaves;
      if (sites > 100000)
        reject(name, fmt::format("cannot make {} nodes: too many", *target_nodes));
      p.sites_per_access = static_cast<std::uint32_t>(sites);
    }
    const double T = p.transit_domains, C = p.cores_per_domain, R = p.regionals_per_core,
                 A = p.access_per_regional, S = p.sites_per_access;
    check_size(name, T * C * (1 + R * (1 + A * (1 + S))),
               T * C * (C - 1) / 2 + T * (T - 1) / 2 + T * C * R * (2 + A * (1 + S)));
    return generate_transit_stub(p, seed);
  }
  if (name == "as-powerlaw")
    return generate_as_powerlaw(as_powerlaw_params(settings, target_nodes).first, seed);
  if (name == "campus") {
    auto p = apply(name, campus_bindings(), settings);
    if (p.flat && (has_key(settings, "segments") || has_key(settings, "distribution_routers")))
      reject(name,
             "a flat campus has one segment and no distribution routers: drop segments and "
             "distribution_routers, or flat");
    if (target_nodes) {
      if (p.flat) reject(name, "a flat campus always has 3 nodes: no node count can be given");
      if (has_key(settings, "segments")) reject(name, "give a node count or segments, not both");
      const std::uint64_t fixed = 2 + std::uint64_t{p.distribution_routers};
      if (*target_nodes <= fixed || *target_nodes - fixed > 1'000'000)
        reject(name, fmt::format("cannot make {} nodes: a campus with {} distribution routers has "
                                 "{} nodes plus 1 to 1000000 segments",
                                 *target_nodes, p.distribution_routers, fixed));
      p.segments = static_cast<std::uint32_t>(*target_nodes - fixed);
    }
    check_size(name, 2.0 + p.distribution_routers + p.segments,
               1.0 + p.distribution_routers + p.segments);
    return generate_campus(p, seed);
  }
  std::vector<std::string> names;
  for (const auto& g : generators()) names.push_back(g.name);
  throw InputError(fmt::format("generator {}: error: no generator of that name{} Known: {}\n", name,
                               suggestion(name, names), join(names)));
}

std::pair<PowerLawParams, std::vector<std::pair<std::string, std::string>>> as_powerlaw_params(
    const std::vector<std::pair<std::string, std::string>>& settings,
    std::optional<std::uint64_t> target_nodes) {
  constexpr std::string_view name = "as-powerlaw";
  auto p = apply(name, power_law_bindings(), settings);
  if (target_nodes) {
    if (has_key(settings, "nodes")) reject(name, "give the node count once, not twice");
    if (*target_nodes < 2 || *target_nodes > 10'000'000)
      reject(name, fmt::format("nodes: expected a whole number from 2 to 10000000, got {}",
                               *target_nodes));
    p.nodes = static_cast<std::uint32_t>(*target_nodes);
  }
  if (p.nodes <= p.m)
    reject(name, fmt::format("nodes ({}) must be more than m ({})", p.nodes, p.m));
  check_size(name, p.nodes, static_cast<double>(p.nodes) * p.m);
  return {p, used(p, power_law_bindings())};
}

}  // namespace wormsim::net
