#include "net/link_loads.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace wormsim::net {

namespace {

// Rate (2^-16 per second) times local weight (2^-32): 2^-48 per second.
constexpr double kLocalUnit = 1.0 / (FluidRate::kScale * RoutingMatrix::kLocalWeightScale);

/// The 2-core loads from the root totals, core_spread() times y for bit/s and packet/s, written
/// into per-directed-link arrays at the matrix's rows only (the 2-core links: a step costs the
/// matrix's entries, not the network's size). Each row sums its terms in column order from
/// zero, whatever the arrays held. Both the step and full_loads() go through here, so they
/// compute the same bits.
void core_product(const Eigen::SparseMatrix<double>& core, const std::vector<FluidRate>& y,
                  const std::vector<DirectedLink>& rows, double* bps, double* pps) {
  for (const DirectedLink row : rows) bps[row] = pps[row] = 0.0;
  for (Eigen::Index c = 0; c < core.outerSize(); ++c) {
    const FluidRate rate = y[static_cast<std::size_t>(c)];
    if (rate == FluidRate{}) continue;
    const double rate_bps = rate.bps(), rate_pps = rate.pps();
    for (Eigen::SparseMatrix<double>::InnerIterator it(core, c); it; ++it) {
      bps[it.index()] += it.value() * rate_bps;
      pps[it.index()] += it.value() * rate_pps;
    }
  }
}

}  // namespace

FluidRate FluidRate::from(double bps, double pps) {
  return FluidRate{static_cast<std::int64_t>(std::llround(bps * kScale)),
                   static_cast<std::int64_t>(std::llround(pps * kScale))};
}

LinkLoads::LinkLoads(const Topology& topology, SiteAttachment sites)
    : topology_(&topology), matrix_(topology, std::move(sites)) {
  rate_[0].assign(site_count(), FluidRate{});
  rate_[1].assign(site_count(), FluidRate{});
  resize_state();
}

void LinkLoads::resize_state() {
  const Routing& r = routing();
  const std::size_t n = r.node_count(), links = r.directed_link_count();
  z_.assign(n, FluidRate{});
  z_step_ = z_;
  z_dirty_.reset(n);
  y_.assign(r.roots().size(), FluidRate{});
  y_changed_ = false;
  component_rate_.assign(r.component_count(), FluidRate{});
  component_step_ = component_rate_;
  component_dirty_.reset(r.component_count());
  core_bps_.assign(links, 0.0);
  core_pps_.assign(links, 0.0);
  core_rows_.clear();
  const auto& core = matrix_.core_spread();
  for (Eigen::Index c = 0; c < core.outerSize(); ++c)
    for (Eigen::SparseMatrix<double>::InnerIterator it(core, c); it; ++it)
      core_rows_.push_back(static_cast<DirectedLink>(it.index()));
  std::sort(core_rows_.begin(), core_rows_.end());
  core_rows_.erase(std::unique(core_rows_.begin(), core_rows_.end()), core_rows_.end());
  entry_rate_.assign(matrix_.local_entry_count(), FluidRate{});
  entry_step_ = entry_rate_;
  entry_dirty_.reset(entry_rate_.size());
  group_rate_.assign(matrix_.local_group_count(), FluidRate{});
  group_step_ = group_rate_;
  group_dirty_.reset(group_rate_.size());
  spanning_bits_.assign(links, 0);
  spanning_packets_.assign(links, 0);
  spanning_dirty_.reset(links);
  spanning_step_.assign(links, LinkLoad{});
}

void LinkLoads::set_rate(std::uint32_t site, TrafficClass c, FluidRate rate) {
  add_rate(site, c, rate - rate_[static_cast<int>(c)][site]);
}

void LinkLoads::add_rate(std::uint32_t site, TrafficClass c, FluidRate delta) {
  if (delta == FluidRate{}) return;
  rate_[static_cast<int>(c)][site] += delta;
  if (c == TrafficClass::local) {
    add_local(site, delta);
    return;
  }
  const Routing& r = routing();
  Vertex u = matrix_.site_node(site);
  if (r.is_down(u)) return;
  while (r.is_pendant(u)) {
    z_[u] += delta;
    z_dirty_.mark(static_cast<std::uint32_t>(u));
    u = r.parent(u);
  }
  y_[r.root_index(u)] += delta;
  y_changed_ = true;
  component_rate_[r.component(u)] += delta;
  component_dirty_.mark(r.component(u));
}

void LinkLoads::add_local(std::uint32_t site, FluidRate delta) {
  if (routing().is_down(matrix_.site_node(site))) return;
  const std::uint32_t g = matrix_.local_group(site);
  if (matrix_.is_tree_group(g)) {
    for (const std::uint32_t e : matrix_.site_entries(site)) {
      entry_rate_[e] += delta;
      entry_dirty_.mark(e);
    }
    group_rate_[g] += delta;
    group_dirty_.mark(g);
    return;
  }
  const auto& m = matrix_.local_spanning();
  for (Eigen::SparseMatrix<double>::InnerIterator it(m, site); it; ++it) {
    // Exact: the weight is a multiple of 2^-32 no larger than 1.
    const auto q = static_cast<std::int64_t>(it.value() * RoutingMatrix::kLocalWeightScale);
    const auto dl = static_cast<DirectedLink>(it.index());
    spanning_bits_[dl] += Int128{delta.bps_q16} * q;
    spanning_packets_[dl] += Int128{delta.pps_q16} * q;
    spanning_dirty_.mark(dl);
  }
}

LinkLoad LinkLoads::local_load(Int128 bits, Int128 packets) {
  return LinkLoad{static_cast<double>(bits) * kLocalUnit,
                  static_cast<double>(packets) * kLocalUnit};
}

namespace {
/// Copies the dirty values to the step's copy and clears the list.
template <class List, class T>
void publish(List& dirty, const std::vector<T>& now, std::vector<T>& at_step) {
  for (const std::uint32_t i : dirty.list) {
    at_step[i] = now[i];
    dirty.is_dirty[i] = 0;
  }
  dirty.list.clear();
}
}  // namespace

void LinkLoads::step() {
  publish(z_dirty_, z_, z_step_);
  publish(component_dirty_, component_rate_, component_step_);
  publish(entry_dirty_, entry_rate_, entry_step_);
  publish(group_dirty_, group_rate_, group_step_);
  if (y_changed_) {
    core_product(matrix_.core_spread(), y_, core_rows_, core_bps_.data(), core_pps_.data());
    y_changed_ = false;
  }
  for (const DirectedLink dl : spanning_dirty_.list) {
    spanning_step_[dl] = local_load(spanning_bits_[dl], spanning_packets_[dl]);
    spanning_dirty_.is_dirty[dl] = 0;
  }
  spanning_dirty_.list.clear();
}

void LinkLoads::recompute() {
  resize_state();
  const FluidRate zero{};
  for (std::uint32_t s = 0; s < site_count(); ++s) {
    const FluidRate spread = rate_[0][s], local = rate_[1][s];
    // add_rate's paths, from a zero rate.
    rate_[0][s] = zero;
    rate_[1][s] = zero;
    add_rate(s, TrafficClass::spread, spread);
    add_rate(s, TrafficClass::local, local);
  }
  // Bring every part of the step state up to date, dirty or not.
  z_step_ = z_;
  component_step_ = component_rate_;
  entry_step_ = entry_rate_;
  group_step_ = group_rate_;
  core_product(matrix_.core_spread(), y_, core_rows_, core_bps_.data(), core_pps_.data());
  for (DirectedLink dl = 0; dl < directed_link_count(); ++dl)
    spanning_step_[dl] = local_load(spanning_bits_[dl], spanning_packets_[dl]);
  z_dirty_.reset(z_.size());
  component_dirty_.reset(component_rate_.size());
  entry_dirty_.reset(entry_rate_.size());
  group_dirty_.reset(group_rate_.size());
  spanning_dirty_.reset(directed_link_count());
  y_changed_ = false;
}

void LinkLoads::set_down(const std::vector<Vertex>& down) {
  matrix_ = RoutingMatrix(*topology_, matrix_.sites(), down);
  recompute();
}

std::vector<LinkLoad> LinkLoads::full_loads() const {
  const Routing& r = routing();
  std::vector<FluidRate> z(r.node_count()), y(r.roots().size()), component(r.component_count());
  std::vector<FluidRate> entry(matrix_.local_entry_count()), group(matrix_.local_group_count());
  std::vector<Int128> bits(directed_link_count(), 0), packets(directed_link_count(), 0);
  const auto& spanning = matrix_.local_spanning();
  for (std::uint32_t s = 0; s < site_count(); ++s) {
    Vertex u = matrix_.site_node(s);
    if (r.is_down(u)) continue;
    const FluidRate spread = rate_[0][s];
    for (; r.is_pendant(u); u = r.parent(u)) z[u] += spread;
    y[r.root_index(u)] += spread;
    component[r.component(u)] += spread;
    const FluidRate l = rate_[1][s];
    if (matrix_.is_tree_group(matrix_.local_group(s))) {
      for (const std::uint32_t e : matrix_.site_entries(s)) entry[e] += l;
      group[matrix_.local_group(s)] += l;
    }
    for (Eigen::SparseMatrix<double>::InnerIterator it(spanning, s); it; ++it) {
      const auto q = static_cast<std::int64_t>(it.value() * RoutingMatrix::kLocalWeightScale);
      bits[static_cast<std::size_t>(it.index())] += Int128{l.bps_q16} * q;
      packets[static_cast<std::size_t>(it.index())] += Int128{l.pps_q16} * q;
    }
  }
  std::vector<double> core_bps(directed_link_count(), 0.0), core_pps(directed_link_count(), 0.0);
  core_product(matrix_.core_spread(), y, core_rows_, core_bps.data(), core_pps.data());
  const Totals totals{z.data(),        component.data(), core_bps.data(),
                      core_pps.data(), entry.data(),     group.data()};
  std::vector<LinkLoad> out(directed_link_count());
  for (DirectedLink dl = 0; dl < out.size(); ++dl)
    out[dl] = load_from(dl, totals, local_load(bits[dl], packets[dl]));
  return out;
}

LinkLoad LinkLoads::load_from(DirectedLink dl, const Totals& totals,
                              const LinkLoad& spanning) const {
  const Routing& r = routing();
  if (r.is_down(r.from(dl)) || r.is_down(r.to(dl))) return LinkLoad{};
  LinkLoad out;
  const std::uint32_t u = r.pendant_end(Routing::link_of(dl));
  if (u == kNone) {
    out.bps = totals.core_bps[dl];
    out.pps = totals.core_pps[dl];
  } else {
    // A pendant link: the sources below it to destinations elsewhere going up, the sources
    // elsewhere to destinations below it coming down; spread traffic over the component, local
    // traffic over each tree group with members on both sides.
    const bool up = r.from(dl) == u;
    const std::uint32_t c = r.component(u);
    const double inside = matrix_.subtree_share(u);
    if (up) {
      const double outside = std::max(0.0, matrix_.component_share(c) - inside);
      out.bps = totals.z[u].bps() * outside;
      out.pps = totals.z[u].pps() * outside;
    } else {
      const FluidRate others = totals.component[c] - totals.z[u];
      out.bps = others.bps() * inside;
      out.pps = others.pps() * inside;
    }
    for (const std::uint32_t e : matrix_.node_entries(u)) {
      const std::uint32_t g = matrix_.entry_group(e);
      const double below = matrix_.entry_share(e);  // exact: multiples of 2^-32
      if (up) {
        const double elsewhere = matrix_.group_reachable_weight(g) - below;
        out.bps += totals.entry[e].bps() * elsewhere;
        out.pps += totals.entry[e].pps() * elsewhere;
      } else {
        const FluidRate others = totals.group[g] - totals.entry[e];
        out.bps += others.bps() * below;
        out.pps += others.pps() * below;
      }
    }
  }
  out.bps += spanning.bps;
  out.pps += spanning.pps;
  return out;
}

LinkLoad LinkLoads::load(DirectedLink dl) const {
  const Totals totals{z_step_.data(),   component_step_.data(), core_bps_.data(),
                      core_pps_.data(), entry_step_.data(),     group_step_.data()};
  return load_from(dl, totals, spanning_step_[dl]);
}

double LinkLoads::offered_bps(DirectedLink dl) const {
  return std::max(0.0, load(dl).bps) + background_bps(dl);
}

double LinkLoads::utilisation(DirectedLink dl) const {
  const double offered = offered_bps(dl), capacity = capacity_bps(dl);
  if (capacity > 0) return offered / capacity;
  return offered > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

double LinkLoads::drop_probability(DirectedLink dl) const {
  const double offered = offered_bps(dl), capacity = capacity_bps(dl);
  return offered > capacity ? 1.0 - capacity / offered : 0.0;
}

double LinkLoads::dropped_bps(DirectedLink dl) const {
  const double offered = offered_bps(dl), capacity = capacity_bps(dl);
  return offered > capacity ? offered - capacity : 0.0;
}

double LinkLoads::delivery(Vertex a, Vertex b) const {
  if (a == b) return routing().is_down(a) ? 0.0 : 1.0;
  double delivered = 1.0;
  if (!routing().for_each_on_route(
          a, b, [&](DirectedLink dl) { delivered *= 1.0 - drop_probability(dl); }))
    return 0.0;
  return delivered;
}

double LinkLoads::incoming_pps(Vertex v) const {
  const Routing& r = routing();
  if (r.is_down(v)) return 0.0;
  double total = 0;
  for (const Routing::Neighbour& nb : r.neighbours(v))
    total += load(2 * nb.link + (nb.vertex < v ? 0u : 1u)).pps;
  return total;
}

double LinkLoads::unreachable_bps() const {
  double total = 0;
  for (std::uint32_t s = 0; s < site_count(); ++s)
    total += rate_[0][s].bps() * (1.0 - matrix_.spread_reachable_share(s)) +
             rate_[1][s].bps() * matrix_.local_unreachable_share(s);
  return total;
}

}  // namespace wormsim::net
