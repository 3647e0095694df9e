#include "net/link_loads.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace wormsim::net {

namespace {

// Rate (2^-16 per second) times local weight (2^-32): 2^-48 per second.
constexpr double kLocalUnit = 1.0 / (FluidRate::kScale * RoutingMatrix::kLocalWeightScale);

/// The 2-core loads from the root totals: one sparse product per unit (bit/s, packet/s). Both
/// the step and full_loads() go through here, so they compute the same bits.
void core_product(const Eigen::SparseMatrix<double>& core, const std::vector<FluidRate>& y,
                  Eigen::VectorXd& bps, Eigen::VectorXd& pps) {
  Eigen::VectorXd yb(static_cast<Eigen::Index>(y.size()));
  Eigen::VectorXd yp(static_cast<Eigen::Index>(y.size()));
  for (std::size_t c = 0; c < y.size(); ++c) {
    yb[static_cast<Eigen::Index>(c)] = y[c].bps();
    yp[static_cast<Eigen::Index>(c)] = y[c].pps();
  }
  bps = core * yb;
  pps = core * yp;
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
  z_is_dirty_.assign(n, 0);
  z_dirty_.clear();
  y_.assign(r.roots().size(), FluidRate{});
  y_changed_ = false;
  component_rate_.assign(r.component_count(), FluidRate{});
  component_step_ = component_rate_;
  component_is_dirty_.assign(r.component_count(), 0);
  component_dirty_.clear();
  core_bps_ = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(links));
  core_pps_ = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(links));
  local_bits_.assign(links, 0);
  local_packets_.assign(links, 0);
  local_is_dirty_.assign(links, 0);
  local_dirty_.clear();
  local_step_.assign(links, LinkLoad{});
}

void LinkLoads::mark_spread(Vertex u) {
  if (z_is_dirty_[u]) return;
  z_is_dirty_[u] = 1;
  z_dirty_.push_back(static_cast<std::uint32_t>(u));
}

void LinkLoads::mark_component(std::uint32_t c) {
  if (component_is_dirty_[c]) return;
  component_is_dirty_[c] = 1;
  component_dirty_.push_back(c);
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
    mark_spread(u);
    u = r.parent(u);
  }
  y_[r.root_index(u)] += delta;
  y_changed_ = true;
  component_rate_[r.component(u)] += delta;
  mark_component(r.component(u));
}

void LinkLoads::add_local(std::uint32_t site, FluidRate delta) {
  const auto& m = matrix_.local();
  for (Eigen::SparseMatrix<double>::InnerIterator it(m, site); it; ++it) {
    // Exact: the weight is a multiple of 2^-32 no larger than 1.
    const auto q = static_cast<std::int64_t>(it.value() * RoutingMatrix::kLocalWeightScale);
    const auto dl = static_cast<DirectedLink>(it.index());
    local_bits_[dl] += Int128{delta.bps_q16} * q;
    local_packets_[dl] += Int128{delta.pps_q16} * q;
    if (!local_is_dirty_[dl]) {
      local_is_dirty_[dl] = 1;
      local_dirty_.push_back(dl);
    }
  }
}

LinkLoad LinkLoads::local_load(Int128 bits, Int128 packets) {
  return LinkLoad{static_cast<double>(bits) * kLocalUnit,
                  static_cast<double>(packets) * kLocalUnit};
}

void LinkLoads::step() {
  for (const std::uint32_t u : z_dirty_) {
    z_step_[u] = z_[u];
    z_is_dirty_[u] = 0;
  }
  z_dirty_.clear();
  for (const std::uint32_t c : component_dirty_) {
    component_step_[c] = component_rate_[c];
    component_is_dirty_[c] = 0;
  }
  component_dirty_.clear();
  if (y_changed_) {
    core_product(matrix_.core_spread(), y_, core_bps_, core_pps_);
    y_changed_ = false;
  }
  for (const DirectedLink dl : local_dirty_) {
    local_step_[dl] = local_load(local_bits_[dl], local_packets_[dl]);
    local_is_dirty_[dl] = 0;
  }
  local_dirty_.clear();
}

void LinkLoads::recompute() {
  resize_state();
  const FluidRate zero{};
  for (std::uint32_t s = 0; s < site_count(); ++s) {
    const FluidRate spread = rate_[0][s], local = rate_[1][s];
    // add_rate's paths without touching the site's own rate.
    rate_[0][s] = zero;
    rate_[1][s] = zero;
    add_rate(s, TrafficClass::spread, spread);
    add_rate(s, TrafficClass::local, local);
  }
  // Everything is as good as dirty: bring every part of the step state up to date.
  z_step_ = z_;
  component_step_ = component_rate_;
  core_product(matrix_.core_spread(), y_, core_bps_, core_pps_);
  for (DirectedLink dl = 0; dl < directed_link_count(); ++dl)
    local_step_[dl] = local_load(local_bits_[dl], local_packets_[dl]);
  std::fill(z_is_dirty_.begin(), z_is_dirty_.end(), 0);
  std::fill(component_is_dirty_.begin(), component_is_dirty_.end(), 0);
  std::fill(local_is_dirty_.begin(), local_is_dirty_.end(), 0);
  z_dirty_.clear();
  component_dirty_.clear();
  local_dirty_.clear();
  y_changed_ = false;
}

void LinkLoads::set_down(const std::vector<Vertex>& down) {
  matrix_ = RoutingMatrix(*topology_, matrix_.sites(), down);
  recompute();
}

std::vector<LinkLoad> LinkLoads::full_loads() const {
  const Routing& r = routing();
  std::vector<FluidRate> z(r.node_count()), y(r.roots().size()), component(r.component_count());
  std::vector<Int128> bits(directed_link_count(), 0), packets(directed_link_count(), 0);
  const auto& local = matrix_.local();
  for (std::uint32_t s = 0; s < site_count(); ++s) {
    const FluidRate spread = rate_[0][s];
    Vertex u = matrix_.site_node(s);
    if (!r.is_down(u)) {
      for (; r.is_pendant(u); u = r.parent(u)) z[u] += spread;
      y[r.root_index(u)] += spread;
      component[r.component(u)] += spread;
    }
    const FluidRate l = rate_[1][s];
    for (Eigen::SparseMatrix<double>::InnerIterator it(local, s); it; ++it) {
      const auto q = static_cast<std::int64_t>(it.value() * RoutingMatrix::kLocalWeightScale);
      bits[static_cast<std::size_t>(it.index())] += Int128{l.bps_q16} * q;
      packets[static_cast<std::size_t>(it.index())] += Int128{l.pps_q16} * q;
    }
  }
  Eigen::VectorXd core_bps, core_pps;
  core_product(matrix_.core_spread(), y, core_bps, core_pps);
  std::vector<LinkLoad> out(directed_link_count());
  for (DirectedLink dl = 0; dl < out.size(); ++dl)
    out[dl] = load_from(dl, z.data(), component.data(), core_bps.data(), core_pps.data(),
                        local_load(bits[dl], packets[dl]));
  return out;
}

LinkLoad LinkLoads::load_from(DirectedLink dl, const FluidRate* z, const FluidRate* component,
                              const double* core_bps, const double* core_pps,
                              const LinkLoad& local) const {
  const Routing& r = routing();
  if (r.is_down(r.from(dl)) || r.is_down(r.to(dl))) return LinkLoad{};
  LinkLoad out;
  const std::uint32_t u = r.pendant_end(Routing::link_of(dl));
  if (u != kNone) {
    // A pendant link: sources below to destinations elsewhere going up, the rest coming down.
    const std::uint32_t c = r.component(u);
    const double inside = matrix_.subtree_share(u);
    if (r.from(dl) == u) {
      const double outside = std::max(0.0, matrix_.component_share(c) - inside);
      out.bps = z[u].bps() * outside;
      out.pps = z[u].pps() * outside;
    } else {
      const FluidRate others = component[c] - z[u];
      out.bps = others.bps() * inside;
      out.pps = others.pps() * inside;
    }
  } else {
    out.bps = core_bps[dl];
    out.pps = core_pps[dl];
  }
  out.bps += local.bps;
  out.pps += local.pps;
  return out;
}

LinkLoad LinkLoads::load(DirectedLink dl) const {
  return load_from(dl, z_step_.data(), component_step_.data(), core_bps_.data(), core_pps_.data(),
                   local_step_[dl]);
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
