// The state of an Outbreak, shared by its translation units (outbreak.cpp: worms and hosts;
// defence/defences.cpp: the defences). Not part of the models/ interface.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/defence/defence_catalog.hpp"
#include "models/network/network_runtime.hpp"
#include "models/outbreak.hpp"
#include "models/scanning/scan_strategy.hpp"
#include "models/worm/calendar.hpp"
#include "sim/address_index.hpp"
#include "sim/live_index.hpp"

namespace wormsim::models {

namespace outbreak_detail {

enum Kind : std::uint16_t {
  kScan = 1,          // tag: worm; subject: position; aux: scanning episode
  kProbe = 2,         // per-probe mode; as kScan
  kDeliver = 3,       // tag: worm | outcome bits; subject: target position; aux: source host
  kInfect = 4,        // tag: worm; subject: position; aux: host episode (infection completes)
  kCalendarStop = 5,  // tag: worm: the calendar ends spreading for the partition's scanners
  kRebootStart = 6,   // subject: host; aux: host episode
  kRebootEnd = 7,     // subject: host; aux: host episode
  kWormReboot = 8,    // tag: worm; subject: position; aux: scanning episode (end of active period)
  kWormRemove = 9,    // tag: worm; subject: position; aux: scanning episode (self-removal date)
  kDefenceHost = 10,  // tag: defence; subject: host (its adoption time)
  kDefenceSite = 11,  // tag: defence; subject: site (its deployment)
  kInstallDone = 12,  // tag: defence; subject: host; aux: host episode (a patch install ends)
  kDetect = 13,       // tag: defence; subject: host; aux: host episode (quarantine detection)
  kCleanDone = 14,    // tag: defence; subject: host (quarantine: cleaned and reconnected)
};
// Bits of a delivery's tag above the worm index: decided by the source at hit time.
constexpr std::uint16_t kWormMask = 0x00FF;
constexpr std::uint16_t kXpOffsets = 0x0100;    // Blaster run uses the XP offsets
constexpr std::uint16_t kTftpOk = 0x0200;       // the victim's TFTP pull would complete
constexpr std::uint16_t kExploitOk = 0x0200;    // sadmind/IIS: the sadmind brute force would work
constexpr std::uint16_t kNoInfect = 0x0400;     // a firewall on the way stops the infection's
                                                // traffic (shell, TFTP pull), not the exploit
constexpr std::uint16_t kBlacklisted = 0x0800;  // the source's address is on the blacklist

constexpr std::uint64_t kNever = ~std::uint64_t{0};

}  // namespace outbreak_detail

/// Per-partition counters; combined in partition order at barriers.
struct Outbreak::PartitionBooks {
  struct PerWorm {
    std::int64_t infected_now = 0, infected_total = 0, susceptible = 0, scanning = 0;
    std::int64_t new_infections = 0;
    double rate_sum = 0;       // probes/s of the hosts scanning now
    double probes = 0;         // integral of rate_sum
    std::int64_t running = 0;  // infected hosts that are up (they flood on flood days)
    double flood = 0;          // flood packets sent
    std::int64_t hits = 0;     // probes that reached a relevant host (exploit attempts)
    sim::SimTime last_change{0};
    std::vector<std::uint32_t> leave_live;  // positions to drop from the live set at the barrier
    // The worm's flood, if it has one: packets/s per running host on its calendar's days.
    const FloodCalendar* flood_days = nullptr;
    double flood_rate = 0;
    std::int64_t start_epoch_us = 0;

    void account(sim::SimTime now, double delta_rate, std::int64_t delta_scanning) {
      probes += rate_sum * (now - last_change).seconds();
      if (flood_days != nullptr && running > 0)
        flood += static_cast<double>(running) * flood_rate * 1e-6 *
                 static_cast<double>(flood_days->flood_us(start_epoch_us + last_change.us,
                                                          start_epoch_us + now.us));
      last_change = now;
      rate_sum += delta_rate;
      scanning += delta_scanning;
      if (scanning == 0) rate_sum = 0;  // no drift from adding and removing doubles
    }
    void run(sim::SimTime now, std::int64_t delta_running) {
      account(now, 0, 0);
      running += delta_running;
    }
  };
  std::vector<PerWorm> worm;
  std::int64_t down = 0, rpc_crashes = 0, iis_crashes = 0, reboots = 0, defaced = 0, backdoored = 0,
               rpc_stopped = 0, patched_by_welchia = 0, blaster_removed = 0;
  // Defences: fixes installed, workarounds and host firewalls in place, installs a reboot
  // interrupted, hits a defence stopped, hosts cut off now, hosts cleaned by quarantine.
  std::int64_t patched = 0, protected_hosts = 0, installs_interrupted = 0, probes_blocked = 0,
               disconnected = 0, cleaned = 0;
  std::int64_t hits_lost = 0;      // hits the network did not deliver
  std::vector<OutbreakEvent> log;  // this partition's events, when recording
};

/// The defences of a scenario at run time: per-host and per-site state they change (owned, like
/// every host and site, by its partition), and what each policy selected.
struct Outbreak::Defences {
  struct Policy {
    const DefenceConfig* config = nullptr;
    std::uint64_t selected = 0;  // hosts (or sites) it was meant for
    std::uint64_t eligible = 0;  // of those, the ones it can act on (OS, services, prerequisites)
    std::uint64_t adopting = 0;  // of those, the ones whose draw is within the coverage
  };
  std::vector<Policy> policies;
  // Hosts (empty when the scenario has no defence).
  std::vector<std::uint16_t> fw_in, fw_out;    // Flow bits the host's own firewall drops
  std::vector<std::uint8_t> isolated;          // quarantine: cut off
  std::vector<std::uint32_t> install_waiting;  // patch policies waiting for the host to be up
  std::vector<std::uint8_t> quarantine;        // 1 + the quarantine policy watching the host
  // Sites.
  std::vector<std::uint16_t> site_in, site_out;  // border firewall Flow bits
  std::vector<std::uint8_t> site_isolated;       // quarantine, home-LAN rule
  std::vector<std::uint32_t> site_cleaning;      // machines of an isolated site not clean yet
  std::vector<std::uint8_t> site_blacklist;      // drops blacklisted sources at its border
  std::vector<std::int64_t> site_filter_from;    // content filter active from (us)
  std::vector<std::uint32_t> site_host_begin, site_hosts;  // hosts of each site (CSR)
  // Hosts some worm can touch (the only ones a host defence acts on), by partition in host
  // order (CSR), so that each partition's start visits its own.
  std::vector<std::uint32_t> partition_host_begin, partition_hosts;
  sim::SimTime blacklist_reaction = sim::SimTime::max();
};

/// Host-level state shared by the worms.
struct Outbreak::HostState {
  // One record a host, so that a delivery reads its target's state in one cache line.
  struct Host {
    std::int64_t iis_up_at = 0;      // a crashed IIS answers again from this time (us)
    std::uint16_t episode = 0;       // bumped at every reboot
    std::uint8_t down = 0;           // rebooting: probes reach nothing
    std::uint8_t crash_pending = 0;  // an RPC crash countdown is running
    std::uint8_t defaced = 0, backdoor = 0, rpc_stopped = 0, ever_crashed = 0;
  };
  std::vector<Host> at;
};

struct Outbreak::Worm {
  enum class Kind { codered_v1, codered_v2, codered_ii, sadmind_iis, blaster, welchia };
  enum class Port { tcp80, tcp135, icmp };  // what its probes are
  std::string model;
  Kind kind = Kind::codered_v2;
  std::uint16_t index = 0;
  const WormConfig* config = nullptr;
  std::unique_ptr<ScanStrategy> strategy;
  ProbeClock clock;  // rate_per_s is the default; rate_of() gives the per-host rate
  sim::SimTime exploit_delay;
  int spread_until_day = 0;  // 0: no calendar
  bool shrink_on_infection = false;
  bool memory_resident = false;  // a reboot clears the infection
  bool rescans_after_reboot = false;
  sim::SimTime active_period{0}, active_period_zh{0};   // 0: scans until its calendar stops it
  double rate_zh = 0;                                   // Code Red II on Chinese-locale hosts
  double xp_offsets_probability = 0, tftp_success = 0;  // Blaster
  sim::SimTime tftp_time{0}, reboot_after_crash{0};
  sim::SimTime iis_down_for = sim::SimTime::from_min(30);
  double patch_success = 0;  // Welchia
  sim::SimTime patch_time{0};
  std::int64_t remove_in_year = 0;  // Welchia deletes itself when the host clock reaches it
  double exploit_success = 1;       // sadmind/IIS: the sadmind brute force works
  std::uint32_t deface_limit = 0;   // sadmind/IIS: defacements before it defaces its own host
  Port port = Port::tcp80;
  ProbeTraffic traffic;  // what each probe puts on the network ([network] only)
  FloodCalendar flood_days;
  double flood_rate = 0;  // packets/s per running host on flood days; 0: no flood

  sim::AddressIndex relevant;
  // Per position (the relevant index's order): its host and what the scanning and infection paths
  // read and write, in one cache line: a scan event, a delivery and the infection it causes touch
  // one line instead of a dozen arrays.
  struct alignas(64) Slot {
    std::uint64_t stream_position = 0;  // words drawn from its scan stream
    double hit_probability = 0;         // the p its pending hit was drawn with (thinning)
    sim::SimTime scan_until{0};
    sim::SimTime scan_started{0};
    std::uint64_t scan_entity = 0;  // its scan stream's entity: host entity ^ worm index << 48
    std::uint64_t infected_at = outbreak_detail::kNever;  // us
    std::uint32_t host = 0;
    std::uint32_t infected_by = 0;  // host whose probe first infected it
    std::uint16_t episode = 0;      // bumped whenever its scanning starts or stops
    WormState state = WormState::susceptible;
    std::uint8_t scanning = 0;
    std::uint8_t calendar_stop = 0;  // its scanning ends with the calendar (kCalendarStop)
    std::uint8_t infectable = 0;
    std::uint8_t crashed_first = 0;  // crashed by a wrong exploit before its first infection
  };
  static_assert(sizeof(Slot) == 64);
  std::vector<Slot> slot;
  sim::LiveIndex live;
  std::vector<std::uint8_t> xp_offsets;
  std::vector<ScannerState> scanner;
  std::vector<std::uint64_t> planned_probes;   // sequential, fast mode: probes to the pending hit
  std::vector<std::uint32_t> pending_source;   // source of an infection awaiting its TFTP pull
  std::vector<std::uint8_t> patch_ok_pending;  // Welchia: whether this infection's patch installs
  std::vector<std::uint32_t> defacements;      // sadmind/IIS: IIS servers this host defaced
  // With defences: the traffic each position's attempts need (an index into attempt_kinds).
  std::vector<AttemptFlows> attempt_kinds;
  std::vector<std::uint8_t> attempt_of;
  // Positions by partition (CSR, position order within). Partitions are runs of sites in
  // address order, so usually each holds a run of positions and partition_positions[i] == i;
  // where placements of different sizes nest (a /24 site inside a /16 one) they do not, and
  // partition_of_position says. Per partition, the latest calendar stop posted: one
  // kCalendarStop event ends every scanner of a partition at once.
  std::vector<std::uint32_t> partition_begin, partition_positions, partition_of_position;
  std::vector<sim::SimTime> calendar_stop_posted;
  std::uint64_t infectable_count = 0;
  std::uint64_t initial_infected = 0;

  /// The partition owning a position: when partitions are runs of positions, a search of a
  /// small array that stays in cache.
  std::uint32_t partition_of(std::size_t pos) const {
    if (!partition_of_position.empty()) return partition_of_position[pos];
    return static_cast<std::uint32_t>(
        std::upper_bound(partition_begin.begin(), partition_begin.end(), pos) -
        partition_begin.begin() - 1);
  }
  std::size_t position_of(std::uint32_t address) const {
    const auto p = relevant.find(address);
    return p ? *p : slot.size();
  }
};

}  // namespace wormsim::models
