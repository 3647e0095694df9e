#include "net/routing_matrix.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace wormsim::net {

namespace {

/// Builds a column-major sparse matrix column by column: add() into a dense accumulator, then
/// finish() writes the touched rows in increasing order.
class ColumnBuilder {
 public:
  ColumnBuilder(std::size_t rows, std::size_t cols, std::size_t reserve)
      : acc_(rows, 0.0), seen_(rows, 0) {
    m_.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
    m_.reserve(static_cast<Eigen::Index>(reserve));
  }
  void add(DirectedLink row, double value) {
    if (!seen_[row]) {
      seen_[row] = 1;
      touched_.push_back(row);
    }
    acc_[row] += value;
  }
  /// Ends column `col` (columns must come in order, each once).
  void finish(std::size_t col) {
    std::sort(touched_.begin(), touched_.end());
    m_.startVec(static_cast<Eigen::Index>(col));
    for (const DirectedLink row : touched_) {
      if (acc_[row] != 0.0)
        m_.insertBack(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(col)) = acc_[row];
      acc_[row] = 0.0;
      seen_[row] = 0;
    }
    touched_.clear();
  }
  Eigen::SparseMatrix<double> take() {
    m_.finalize();
    return std::move(m_);
  }

 private:
  Eigen::SparseMatrix<double> m_;
  std::vector<double> acc_;
  std::vector<std::uint8_t> seen_;
  std::vector<DirectedLink> touched_;
};

}  // namespace

template <class F>
double RoutingMatrix::local_column(std::uint32_t site, F&& add) const {
  const Vertex from = sites_.node[site];
  double unreachable = 0;
  for (const std::uint32_t member : local_group_members(site)) {
    const double q = local_weight_[member];
    const Vertex to = sites_.node[member];
    if (to == from || q == 0.0) continue;
    if (!routing_.for_each_on_route(from, to, [&](DirectedLink dl) { add(dl, q); }))
      unreachable += q;
  }
  return unreachable;
}

RoutingMatrix::RoutingMatrix(const Topology& topology, SiteAttachment sites,
                             const std::vector<Vertex>& down)
    : routing_(topology, down), sites_(std::move(sites)) {
  validate(topology, sites_);
  const Routing& r = routing_;
  const std::size_t n = r.node_count();
  const std::size_t s_count = sites_.site_count();

  // Destination shares: the sites' own, scaled to 1 when there is no outside; the rest of the
  // space on the outside node.
  double total = 0;
  for (const double a : sites_.address_share) total += a;
  const double scale = sites_.internet || total <= 0 ? 1.0 : 1.0 / total;
  share_.assign(n, 0.0);
  for (std::size_t i = 0; i < s_count; ++i)
    if (!r.is_down(sites_.node[i])) share_[sites_.node[i]] += sites_.address_share[i] * scale;
  if (sites_.internet && !r.is_down(*sites_.internet))
    share_[*sites_.internet] += std::max(0.0, 1.0 - total);

  // Subtree shares, children before parents; component shares from the roots' trees.
  subtree_share_ = share_;
  for (const Vertex u : r.peel_order()) subtree_share_[r.parent(u)] += subtree_share_[u];
  component_share_.assign(r.component_count(), 0.0);
  for (const Vertex c : r.roots()) component_share_[r.component(c)] += subtree_share_[c];

  // The 2-core part of spread traffic: from each root to every other root's tree.
  const auto& roots = r.roots();
  const std::size_t k = roots.size();
  {
    // Only roots with a site in their tree send anything: the others keep empty columns.
    std::vector<std::uint8_t> sends(k, 0);
    for (const Vertex v : sites_.node)
      if (!r.is_down(v)) sends[r.root_index(v)] = 1;
    ColumnBuilder b(r.directed_link_count(), k, 0);
    for (std::uint32_t c = 0; c < k; ++c) {
      for (std::uint32_t x = 0; x < k && sends[c]; ++x) {
        const double w = subtree_share_[roots[x]];
        if (x == c || w == 0.0 || !r.is_reachable(roots[c], roots[x])) continue;
        for (std::uint32_t z = x; z != c;) {
          const DirectedLink dl = r.core_last_hop(c, z);
          b.add(dl, w);
          z = r.root_index(r.from(dl));
        }
      }
      b.finish(c);
    }
    core_spread_ = b.take();
  }

  // Local traffic: each site to the sites of its group, weights rounded to multiples of 2^-32.
  local_unreachable_.assign(s_count, 0.0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> by_group;  // (group, site)
  by_group.reserve(s_count);
  for (std::uint32_t i = 0; i < s_count; ++i)
    by_group.emplace_back(sites_.local_group.empty() ? i : sites_.local_group[i], i);
  std::sort(by_group.begin(), by_group.end());
  group_sites_.resize(s_count);
  group_of_site_.resize(s_count);
  local_weight_.assign(s_count, 0.0);
  std::vector<std::pair<double, std::uint32_t>> remainders;  // (fraction of a unit, member)
  for (std::size_t first = 0; first < by_group.size();) {
    std::size_t last = first;
    double group_total = 0;
    while (last < by_group.size() && by_group[last].first == by_group[first].first)
      group_total += sites_.address_share[by_group[last++].second];
    const auto g = static_cast<std::uint32_t>(group_first_.size());
    group_first_.push_back(static_cast<std::uint32_t>(first));
    // Weights in units of 2^-32 that add up to exactly 2^32: rounded down, then the units left
    // over go one each to the largest remainders (ties to the smaller site index), so that a
    // group's local traffic is all accounted for.
    std::uint64_t units_left = std::uint64_t{1} << 32;
    remainders.clear();
    for (std::size_t j = first; j < last; ++j) {
      const std::uint32_t member = by_group[j].second;
      group_sites_[j] = member;
      group_of_site_[member] = g;
      const double q = group_total > 0 ? sites_.address_share[member] / group_total
                                       : 1.0 / static_cast<double>(last - first);
      const double scaled = q * kLocalWeightScale;
      const double units = std::floor(scaled);
      local_weight_[member] = units;
      units_left -= std::min(units_left, static_cast<std::uint64_t>(units));
      remainders.emplace_back(scaled - units, member);
    }
    std::sort(remainders.begin(), remainders.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    for (std::size_t j = 0; j < remainders.size() && units_left > 0; ++j, --units_left)
      local_weight_[remainders[j].second] += 1.0;
    for (std::size_t j = first; j < last; ++j)
      local_weight_[by_group[j].second] /= kLocalWeightScale;
    first = last;
  }
  group_first_.push_back(static_cast<std::uint32_t>(s_count));
  const std::size_t groups = group_first_.size() - 1;

  // Groups whose live members all lie in one tree: subtree entries below the members' lowest
  // common ancestor. The others: explicit columns.
  group_is_tree_.assign(groups, 1);
  group_reachable_weight_.assign(groups, 0.0);
  std::vector<std::uint32_t> entry_at(n, kNone);  // this group's entry on a node
  std::vector<Vertex> touched;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> site_entry;  // (site, entry)
  for (std::uint32_t g = 0; g < groups; ++g) {
    const auto members = group_members(g);
    Vertex top = kNone;
    double reachable = 0;
    for (const std::uint32_t m : members) {
      const Vertex v = sites_.node[m];
      if (r.is_down(v)) continue;
      reachable += local_weight_[m];
      if (top == kNone) {
        top = v;
      } else if (r.root_index(v) != r.root_index(top)) {
        group_is_tree_[g] = 0;
        break;
      } else {
        for (Vertex a = v; a != top;) {  // lowest common ancestor of a and top
          if (r.depth(a) >= r.depth(top))
            a = r.parent(a);
          else
            top = r.parent(top);
        }
      }
    }
    if (!group_is_tree_[g]) continue;
    group_reachable_weight_[g] = reachable;
    double down_weight = 0;  // addressed to members that are down
    for (const std::uint32_t m : members)
      if (r.is_down(sites_.node[m])) down_weight += local_weight_[m];
    for (const std::uint32_t m : members) {
      const Vertex v = sites_.node[m];
      local_unreachable_[m] = down_weight;
      if (r.is_down(v)) continue;
      for (Vertex u = v; u != top; u = r.parent(u)) {
        if (entry_at[u] == kNone) {
          entry_at[u] = static_cast<std::uint32_t>(entry_node_.size());
          entry_node_.push_back(static_cast<std::uint32_t>(u));
          entry_group_.push_back(g);
          entry_share_.push_back(0.0);
          touched.push_back(u);
        }
        entry_share_[entry_at[u]] += local_weight_[m];
        site_entry.emplace_back(m, entry_at[u]);
      }
    }
    for (const Vertex u : touched) entry_at[u] = kNone;
    touched.clear();
  }
  // Entries by site (on the way up from its node) and by node, in compressed rows.
  std::stable_sort(site_entry.begin(), site_entry.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  site_entry_begin_.assign(s_count + 1, 0);
  site_entries_.reserve(site_entry.size());
  for (const auto& [site, entry] : site_entry) {
    ++site_entry_begin_[site + 1];
    site_entries_.push_back(entry);
  }
  for (std::size_t i = 0; i < s_count; ++i) site_entry_begin_[i + 1] += site_entry_begin_[i];
  node_entry_begin_.assign(n + 1, 0);
  for (const std::uint32_t u : entry_node_) ++node_entry_begin_[u + 1];
  for (std::size_t v = 0; v < n; ++v) node_entry_begin_[v + 1] += node_entry_begin_[v];
  node_entries_.resize(entry_node_.size());
  {
    std::vector<std::uint32_t> fill(node_entry_begin_.begin(), node_entry_begin_.end() - 1);
    for (std::uint32_t e = 0; e < entry_node_.size(); ++e)
      node_entries_[fill[entry_node_[e]]++] = e;
  }

  ColumnBuilder b(r.directed_link_count(), s_count, 0);
  for (std::uint32_t i = 0; i < s_count; ++i) {
    if (r.is_down(sites_.node[i])) {
      local_unreachable_[i] = 1.0;
    } else if (!group_is_tree_[group_of_site_[i]]) {
      local_unreachable_[i] = local_column(i, [&](DirectedLink dl, double q) { b.add(dl, q); });
    }
    b.finish(i);
  }
  local_spanning_ = b.take();
}

double RoutingMatrix::spread_reachable_share(std::uint32_t site) const {
  const Vertex v = sites_.node[site];
  return routing_.is_down(v) ? 0.0 : component_share_[routing_.component(v)];
}

Eigen::SparseMatrix<double> RoutingMatrix::explicit_local() const {
  ColumnBuilder b(routing_.directed_link_count(), site_count(), 0);
  for (std::uint32_t i = 0; i < site_count(); ++i) {
    if (!routing_.is_down(sites_.node[i]))
      local_column(i, [&](DirectedLink dl, double q) { b.add(dl, q); });
    b.finish(i);
  }
  return b.take();
}

Eigen::SparseMatrix<double> RoutingMatrix::explicit_spread() const {
  const Routing& r = routing_;
  std::vector<Vertex> destinations;
  for (Vertex v = 0; v < r.node_count(); ++v)
    if (share_[v] > 0) destinations.push_back(v);
  ColumnBuilder b(r.directed_link_count(), site_count(), 0);
  for (std::uint32_t i = 0; i < site_count(); ++i) {
    const Vertex from = sites_.node[i];
    for (const Vertex d : destinations)
      if (d != from) r.for_each_on_route(from, d, [&](DirectedLink dl) { b.add(dl, share_[d]); });
    b.finish(i);
  }
  return b.take();
}

}  // namespace wormsim::net
