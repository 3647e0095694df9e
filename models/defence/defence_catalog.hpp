// The defences of the 2001–2003 advisories as rules (REFERENCE.md, "Advised defences"): which
// hosts or sites each acts on, which traffic a firewall rule stops, which traffic each worm's
// attempt needs, and how adoption spreads over time. Pure functions: the outbreak applies them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/host/host_kinds.hpp"
#include "sim/time.hpp"

namespace wormsim::models {

enum class DefenceKind : std::uint8_t {
  patch,            ///< install a fix (prerequisites, install time, reboot)
  remove_mappings,  ///< remove IIS's .ida/.idq script mappings (Code Red)
  disable_dcom,     ///< DCOM off (needs a reboot; protects Windows 2000 SP3 or later, XP, 2003)
  disable_cis,      ///< COM Internet Services / RPC over HTTP off (TCP 80, 593)
  border_firewall,  ///< a site's border: port rules inbound and outbound
  icf,              ///< Internet Connection Firewall (XP and Server 2003 only)
  ipsec,            ///< IPSec port filters on the host (2000, XP, 2003; never NT 4.0)
  antivirus,        ///< stops infections (files), not crashes
  quarantine,       ///< detect scanning hosts, disconnect, clean, reconnect
  blacklist,        ///< drop traffic from infected addresses after a reaction time
  content_filter,   ///< drop worm traffic after a reaction time
};

struct DefenceKindInfo {
  DefenceKind kind;
  std::string_view name;
  bool per_site;  ///< acts on sites (their borders), not on hosts
};
inline constexpr DefenceKindInfo kDefenceKinds[] = {
    {DefenceKind::patch, "patch", false},
    {DefenceKind::remove_mappings, "remove-mappings", false},
    {DefenceKind::disable_dcom, "disable-dcom", false},
    {DefenceKind::disable_cis, "disable-cis", false},
    {DefenceKind::border_firewall, "border-firewall", true},
    {DefenceKind::icf, "icf", false},
    {DefenceKind::ipsec, "ipsec", false},
    {DefenceKind::antivirus, "antivirus", false},
    {DefenceKind::quarantine, "quarantine", false},
    {DefenceKind::blacklist, "blacklist", true},
    {DefenceKind::content_filter, "content-filter", true},
};
std::optional<DefenceKind> defence_kind_from_name(std::string_view name);
std::string_view defence_kind_name(DefenceKind kind);
bool defence_per_site(DefenceKind kind);

/// Whether a host-level defence can be put on this host at all (its OS and services), before
/// any coverage draw: a patch only where its prerequisite service pack is present and it is not
/// applied already; mapping removal on IIS with the mappings; DCOM and CIS switches on hosts
/// running DCOM RPC (Windows NT 4.0 or later); ICF on XP and Server 2003; IPSec filters on
/// 2000, XP and 2003; anti-virus on Windows; quarantine on every host.
bool defence_applies(DefenceKind kind, std::uint8_t fix, Os os, std::uint16_t services,
                     std::uint8_t patches);

/// Whether disabling DCOM protects this OS: it needs Windows 2000 SP3 or later (XP, 2003 too);
/// on 2000 RTM–SP2 and NT 4.0 the exploit still works. [V, seeds]
bool dcom_disable_protects(Os os);

// --- traffic ---

/// The traffic classes the built-in worms need, as bits a firewall rule can block.
enum Flow : std::uint16_t {
  kFlowTcp80 = 1u << 0,         ///< HTTP: the Code Red family, sadmind/IIS on IIS, WebDAV
  kFlowTcp135 = 1u << 1,        ///< DCOM RPC endpoint mapper (Blaster, Welchia)
  kFlowTcp4444 = 1u << 2,       ///< Blaster's remote shell on the victim
  kFlowUdp69 = 1u << 3,         ///< TFTP, victim to attacker (Blaster's and Welchia's pull)
  kFlowIcmpEcho = 1u << 4,      ///< Welchia's echo request (and the reply it waits for)
  kFlowTcp111 = 1u << 5,        ///< Sun RPC portmapper (sadmind/IIS on Solaris)
  kFlowWelchiaShell = 1u << 6,  ///< Welchia's remote shell, a TCP port in 666–765
};
struct FlowInfo {
  Flow flow;
  std::string_view name;
  bool tcp, udp, icmp;
  std::uint16_t low, high;  ///< ports the class may use (a rule must cover all of them)
};
inline constexpr FlowInfo kFlows[] = {
    {kFlowTcp80, "tcp/80", true, false, false, 80, 80},
    {kFlowTcp135, "tcp/135", true, false, false, 135, 135},
    {kFlowTcp4444, "tcp/4444", true, false, false, 4444, 4444},
    {kFlowUdp69, "udp/69", false, true, false, 69, 69},
    {kFlowIcmpEcho, "icmp", false, false, true, 0, 0},
    {kFlowTcp111, "tcp/111", true, false, false, 111, 111},
    {kFlowWelchiaShell, "tcp/666-765", true, false, false, 666, 765},
};

/// A port rule as written in a scenario: "tcp/135", "udp/137-139", "tcp/1-65535", "icmp".
struct PortRule {
  enum class Proto : std::uint8_t { tcp, udp, icmp };
  Proto proto = Proto::tcp;
  std::uint16_t low = 0, high = 0;
};
/// nullopt if the text is not a rule (the loader explains the expected form).
std::optional<PortRule> parse_port_rule(std::string_view text);
/// The traffic classes the rules stop: those whose protocol matches and whose every port the
/// rules cover.
std::uint16_t flows_blocked(const std::vector<PortRule>& rules);

/// What one attempt of a worm on a target needs to get through, by direction.
struct AttemptFlows {
  std::uint16_t reach = 0;       ///< attacker → target: without it the probe does nothing
  std::uint16_t reach_back = 0;  ///< target → attacker, needed for anything to happen (echo reply)
  std::uint16_t infect = 0;      ///< attacker → target, needed for the infection (not a crash)
  std::uint16_t infect_back = 0;  ///< target → attacker, needed for the infection (TFTP pull)
};
/// The flows of a worm's attempt on a target with these OS and services: the Code Red family on
/// TCP 80; sadmind/IIS on TCP 111 (Solaris) or TCP 80 (IIS); Blaster on TCP 135 (any outcome),
/// TCP 4444 and the TFTP pull back (infection); Welchia's echo and its reply, then TCP 135 with
/// its shell and TFTP pull, or TCP 80 for WebDAV on hosts it reaches that way.
AttemptFlows attempt_flows(std::string_view model, Os os, std::uint16_t services);

// --- adoption over time ---

struct Adoption {
  enum class Shape : std::uint8_t { immediate, linear, logistic, table };
  Shape shape = Shape::immediate;
  double coverage = 1;        ///< final share adopting (the last table value for a table)
  sim::SimTime half_time{0};  ///< linear, logistic: half of the coverage reached
  sim::SimTime spread{0};     ///< logistic: scale of the S-curve (10% → 90% is 4.4 spreads)
  /// table: (time since the start, share adopted by then), times increasing, shares
  /// non-decreasing; linear between points, from (0, 0).
  std::vector<std::pair<sim::SimTime, double>> table;
};
/// The share adopted by `t` after the start.
double adopted_share(const Adoption& a, sim::SimTime t);
/// When a host whose adoption draw is `u` (uniform in [0, 1)) adopts, after the start: the
/// first time the adopted share exceeds u; nullopt if it never does. Hosts with smaller draws
/// adopt earlier, so the adopters of a lower coverage are among those of a higher one.
std::optional<sim::SimTime> adoption_delay(const Adoption& a, double u);

}  // namespace wormsim::models
