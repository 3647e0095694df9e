#include "models/defence/defence_catalog.hpp"

#include <charconv>
#include <cmath>

namespace wormsim::models {

std::optional<DefenceKind> defence_kind_from_name(std::string_view name) {
  for (const auto& k : kDefenceKinds)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

std::string_view defence_kind_name(DefenceKind kind) {
  for (const auto& k : kDefenceKinds)
    if (k.kind == kind) return k.name;
  return "?";
}

bool defence_per_site(DefenceKind kind) {
  for (const auto& k : kDefenceKinds)
    if (k.kind == kind) return k.per_site;
  return false;
}

namespace {

bool is_windows_nt_family(Os os) {
  return is_nt4(os) || is_win2000(os) || is_xp(os) || os == Os::win2003;
}

}  // namespace

bool dcom_disable_protects(Os os) {
  return os == Os::win2000_sp3 || os == Os::win2000_sp4 || is_xp(os) || os == Os::win2003;
}

bool defence_applies(DefenceKind kind, std::uint8_t fix, Os os, std::uint16_t services,
                     std::uint8_t patches) {
  switch (kind) {
    case DefenceKind::patch:
      return (patches & fix) == 0 && can_install(static_cast<Patch>(fix), os);
    case DefenceKind::remove_mappings:
      return (services & (kIis4Index | kIis5Index)) != 0;
    case DefenceKind::disable_dcom:
    case DefenceKind::disable_cis:
      return (services & kDcomRpc) != 0 && is_windows_nt_family(os);
    case DefenceKind::icf:
      return is_xp(os) || os == Os::win2003;
    case DefenceKind::ipsec:
      return is_win2000(os) || is_xp(os) || os == Os::win2003;
    case DefenceKind::antivirus:
      return is_windows_nt_family(os) || os == Os::win9x;
    case DefenceKind::quarantine:
      return true;
    case DefenceKind::border_firewall:
    case DefenceKind::blacklist:
    case DefenceKind::content_filter:
      return false;  // site defences: they act on sites, not hosts
  }
  return false;
}

std::optional<PortRule> parse_port_rule(std::string_view text) {
  PortRule r;
  if (text == "icmp") {
    r.proto = PortRule::Proto::icmp;
    return r;
  }
  std::string_view rest;
  if (text.starts_with("tcp/")) {
    r.proto = PortRule::Proto::tcp;
    rest = text.substr(4);
  } else if (text.starts_with("udp/")) {
    r.proto = PortRule::Proto::udp;
    rest = text.substr(4);
  } else {
    return std::nullopt;
  }
  auto number = [](std::string_view t) -> std::optional<std::uint16_t> {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || end != t.data() + t.size() || t.empty() || v < 1 || v > 65535)
      return std::nullopt;
    return static_cast<std::uint16_t>(v);
  };
  const auto dash = rest.find('-');
  const auto low = number(rest.substr(0, dash));
  const auto high = dash == std::string_view::npos ? low : number(rest.substr(dash + 1));
  if (!low || !high || *high < *low) return std::nullopt;
  r.low = *low;
  r.high = *high;
  return r;
}

std::uint16_t flows_blocked(const std::vector<PortRule>& rules) {
  std::uint16_t blocked = 0;
  for (const FlowInfo& f : kFlows) {
    if (f.icmp) {
      for (const PortRule& r : rules)
        if (r.proto == PortRule::Proto::icmp) blocked |= f.flow;
      continue;
    }
    // Every port of the class must be covered by the rules of its protocol.
    const PortRule::Proto proto = f.tcp ? PortRule::Proto::tcp : PortRule::Proto::udp;
    unsigned next = f.low;  // the lowest port of the class not yet known to be covered
    bool progress = true;
    while (next <= f.high && progress) {
      progress = false;
      for (const PortRule& r : rules)
        if (r.proto == proto && r.low <= next && r.high >= next) {
          next = static_cast<unsigned>(r.high) + 1;
          progress = true;
        }
    }
    if (next > f.high) blocked |= f.flow;
  }
  return blocked;
}

AttemptFlows attempt_flows(std::string_view model, Os os, std::uint16_t services) {
  AttemptFlows f;
  if (model == "codered-v1" || model == "codered-v2" || model == "codered-ii") {
    f.reach = kFlowTcp80;
  } else if (model == "sadmind-iis") {
    f.reach = os == Os::solaris ? kFlowTcp111 : kFlowTcp80;
  } else if (model == "blaster") {
    f.reach = kFlowTcp135;  // the exploit itself: infects or crashes
    f.infect = kFlowTcp4444;
    f.infect_back = kFlowUdp69;
  } else if (model == "welchia") {
    f.reach = kFlowIcmpEcho;  // no reply, no attempt
    f.reach_back = kFlowIcmpEcho;
    if ((services & kDcomRpc) != 0) {
      f.reach |= kFlowTcp135;
      f.infect = kFlowWelchiaShell;
      f.infect_back = kFlowUdp69;
    } else {
      f.reach |= kFlowTcp80;  // WebDAV
      f.infect_back = kFlowUdp69;
    }
  }
  return f;
}

double adopted_share(const Adoption& a, sim::SimTime t) {
  if (t.us < 0) return 0;
  const double x = t.seconds();
  switch (a.shape) {
    case Adoption::Shape::immediate:
      return a.coverage;
    case Adoption::Shape::linear: {
      const double end = 2 * a.half_time.seconds();
      return end <= 0 ? a.coverage : a.coverage * std::min(1.0, x / end);
    }
    case Adoption::Shape::logistic: {
      // The logistic curve itself: the share it puts before the start adopts at the start.
      const double h = a.half_time.seconds(), s = a.spread.seconds();
      if (s <= 0) return x >= h ? a.coverage : 0.0;
      return a.coverage / (1.0 + std::exp(-(x - h) / s));
    }
    case Adoption::Shape::table: {
      double t0 = 0, c0 = 0;
      for (const auto& [at, c] : a.table) {
        const double t1 = at.seconds();
        if (x < t1) return t1 > t0 ? c0 + (c - c0) * (x - t0) / (t1 - t0) : c;
        t0 = t1;
        c0 = c;
      }
      return c0;
    }
  }
  return 0;
}

std::optional<sim::SimTime> adoption_delay(const Adoption& a, double u) {
  if (!(u < a.coverage) && a.shape != Adoption::Shape::table) return std::nullopt;
  const double v = a.coverage > 0 ? u / a.coverage : 1.0;  // uniform in [0, 1) among adopters
  double seconds = 0;
  switch (a.shape) {
    case Adoption::Shape::immediate:
      seconds = 0;
      break;
    case Adoption::Shape::linear:
      seconds = v * 2 * a.half_time.seconds();
      break;
    case Adoption::Shape::logistic: {
      const double h = a.half_time.seconds(), s = a.spread.seconds();
      if (s <= 0) {
        seconds = h;
        break;
      }
      seconds = std::max(0.0, h + s * std::log(v / (1.0 - v)));
      break;
    }
    case Adoption::Shape::table: {
      double t0 = 0, c0 = 0;
      for (const auto& [at, c] : a.table) {
        const double t1 = at.seconds();
        if (u < c) {
          seconds = c > c0 ? t0 + (t1 - t0) * (u - c0) / (c - c0) : t0;
          return sim::SimTime::from_seconds(seconds);
        }
        t0 = t1;
        c0 = c;
      }
      return std::nullopt;
    }
  }
  return sim::SimTime::from_seconds(seconds);
}

}  // namespace wormsim::models
