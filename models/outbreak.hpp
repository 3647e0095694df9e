// One replication of an outbreak as an engine model: the hosts of a World, one or more worms
// that scan with their strategies, and what their probes do to the hosts they reach (infection,
// crashed services, reboots, defacement). Keeps the engine contract: handlers touch only their
// partition's hosts; the live relevant sets and the curves change at barriers only, from
// per-partition counters combined in partition order. In per-probe mode every probe is an event:
// the slow reference the tests hold the exact samplers against.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/host/world.hpp"
#include "models/scanning/scan_strategy.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/address_index.hpp"
#include "sim/live_index.hpp"
#include "sim/metrics.hpp"
#include "sim/model.hpp"
#include "sim/random.hpp"

namespace wormsim::models {

class NetworkRuntime;
struct NetworkRecord;

enum class WormState : std::uint8_t { susceptible = 0, infected, immune };

/// The figures of one worm in one replication.
struct WormSummary {
  std::string model;
  std::uint64_t vulnerable = 0;  ///< hosts the worm can infect
  std::uint64_t initial_infected = 0;
  std::uint64_t infected_total = 0;  ///< distinct hosts ever infected
  std::uint64_t infected_now = 0;
  std::uint64_t susceptible = 0;
  std::array<std::optional<double>, 3> time_to_fraction_s;  ///< 10%, 50%, 90% of vulnerable
  std::uint64_t peak_infections_per_minute = 0;
  double peak_minute_start_s = 0;
};

/// The figures of one replication that summary.json reports. Its WormSummary part repeats the
/// first worm's figures (the only one in most scenarios); `worms` has every worm's.
struct ReplicationSummary : WormSummary {
  std::uint64_t replication = 0;
  std::uint64_t hosts = 0;
  std::vector<WormSummary> worms;
  std::uint64_t rpc_crashes = 0;  ///< RPC service crashes (each starts a reboot countdown)
  std::uint64_t iis_crashes = 0;
  std::uint64_t reboots = 0;
  std::uint64_t defaced = 0;     ///< distinct hosts defaced
  std::uint64_t backdoored = 0;  ///< distinct hosts left with a backdoor
  std::uint64_t patched_by_welchia = 0;
  /// Packets of the worms' floods (Code Red's on 198.137.240.91, Blaster's SYN flood).
  std::uint64_t flood_packets = 0;
  /// Infected hosts (any worm) that were crashed by a wrong exploit at least once.
  std::uint64_t infected_ever_crashed = 0;
  /// Hosts whose first infection (any worm) came after at least one crash by a wrong exploit.
  std::uint64_t crashed_before_infection = 0;
  // Defences.
  std::uint64_t patched = 0;          ///< fix installs completed (by patch policies)
  std::uint64_t protected_hosts = 0;  ///< workarounds, host firewalls, anti-virus put in place
  std::uint64_t probes_blocked = 0;   ///< hits a defence stopped (firewalls, filters, quarantine)
  std::uint64_t hosts_cleaned = 0;    ///< by quarantine
  // Network ([network] only).
  bool has_network = false;
  std::uint64_t hits_lost = 0;       ///< hits the network dropped (saturated links, cut off)
  std::uint64_t device_crashes = 0;  ///< crashes and reloads of devices
  std::uint64_t peak_devices_down = 0;
  std::uint64_t peak_sites_cut_off = 0;
  std::uint64_t peak_hosts_cut_off = 0;
  std::uint64_t links_saturated = 0;  ///< directed links ever above 100% utilisation
  double max_link_utilisation = 0;
  double bytes_dropped = 0;  ///< by saturated links, over the run
  std::uint64_t events = 0;
};

/// One line of the action log (actions.csv): a defence or an action, when it starts, and how
/// many hosts (or sites) it was meant for, could act on, and will act on in this replication.
struct ActionLogEntry {
  sim::SimTime time;
  std::string name;
  std::string kind;
  bool is_action = false;
  bool per_site = false;
  std::uint64_t selected = 0, eligible = 0, adopting = 0;
};

struct OutbreakOptions {
  bool per_probe = false;
  bool record_events = false;  ///< keep a log of infections, crashes and reboots (events.csv)
  /// Where the simulated time reached is published at every sample (microseconds since the
  /// start), for a progress display read on another thread; nullptr: nowhere. Never read back,
  /// so it cannot change a result.
  std::atomic<std::int64_t>* progress_us = nullptr;
};

/// One line of the event log.
struct OutbreakEvent {
  enum class Kind : std::uint8_t {
    seeded,
    infected,
    rpc_crash,
    iis_crash,
    rpc_stopped,
    reboot,
    back_up,
    defaced,       ///< a web site defaced (by Code Red on English hosts, or sadmind/IIS)
    removed,       ///< the worm deleted itself on its date (Welchia)
    patched,       ///< a patch policy's install completed (cause: the host; worm: the policy)
    defended,      ///< a workaround, host firewall or anti-virus put in place (worm: policy)
    disconnected,  ///< quarantine cut the host off (worm: the policy)
    cleaned,       ///< quarantine cleaned and reconnected the host (worm: the policy)
  };
  sim::SimTime time;
  std::uint32_t host = 0;
  Kind kind = Kind::infected;
  std::uint8_t worm = 0;    ///< index of the worm involved, in the scenario's order
  std::uint32_t cause = 0;  ///< the host whose probe caused it (itself for seeds and reboots)
  // Filled in by event_log(): where the host and the cause sit.
  std::uint32_t address = 0, cause_address = 0;
  sim::Prefix site{};

  static const char* name(Kind k);
};

class Outbreak final : public sim::Model {
 public:
  Outbreak(const Scenario& scenario, World world, std::uint64_t replication,
           OutbreakOptions options);
  ~Outbreak() override;
  Outbreak(const Outbreak&) = delete;
  Outbreak& operator=(const Outbreak&) = delete;

  std::uint32_t partition_count() const override { return world_.partitions; }
  sim::SimTime lookahead() const override { return lookahead_; }
  void start(sim::Context& ctx) override;
  void handle(const sim::Event& e, sim::Context& ctx) override;
  void prefetch(const sim::Event& e) const override;
  sim::SimTime next_step(sim::SimTime t, sim::SimTime every) override;
  void on_sample(sim::SimTime t, std::uint64_t sample_index) override;
  void on_step(sim::SimTime t) override;
  /// The longest interval between steps (RunPlan::step_every): the network step, or without a
  /// network the sample interval. next_step brings a step forward when the live sets need a
  /// refresh before the next sample (the worms' scanning would otherwise draw many hits on hosts
  /// infected since the last one).
  sim::SimTime step_every() const;
  /// What the network recorded (links, devices); empty without a network. Call once, at the end.
  NetworkRecord take_network_record();
  /// The network at run time; null without [network].
  const NetworkRuntime* network() const { return network_.get(); }

  const sim::MetricTable& curves() const { return curves_; }
  ReplicationSummary summarize(std::uint64_t events) const;
  /// The event log in (time, host, kind, worm) order; empty unless record_events was set.
  std::vector<OutbreakEvent> event_log() const;
  const World& world() const { return world_; }
  /// The scenario's defences and actions as this replication applies them, in scenario order.
  std::vector<ActionLogEntry> action_log() const;
  std::size_t worm_count() const;
  /// Test access: a worm's state on a host (immune if the worm cannot touch it).
  WormState state(std::size_t worm, std::size_t host) const;
  /// Test access: the host whose probe first infected `host` with `worm` (itself if seeded),
  /// or nullopt if it was never infected.
  std::optional<std::uint32_t> infected_by(std::size_t worm, std::size_t host) const;
  /// Test access: when `host` was first infected with `worm` (undefined if never).
  sim::SimTime infected_at(std::size_t worm, std::size_t host) const;

  struct Worm;  // one released worm: its behaviour, relevant set and per-host scanning state

 private:
  void refresh_live(sim::SimTime t);
  struct PartitionBooks;
  struct HostState;
  struct Defences;

  void start_scanning(Worm& w, std::uint32_t pos, sim::Context& ctx);
  void schedule_next(Worm& w, std::uint32_t pos, double p, sim::RandomStream& rng,
                     sim::Context& ctx);
  void stop_scanning(Worm& w, std::uint32_t pos, sim::Context& ctx);
  /// An infected host starts (+1) or stops (-1) running the worm: it floods on flood days.
  void set_running(Worm& w, std::uint32_t host, int delta, sim::Context& ctx);
  void on_scan(Worm& w, const sim::Event& e, sim::Context& ctx);
  void on_probe(Worm& w, const sim::Event& e, sim::Context& ctx);
  void deliver(Worm& w, std::uint32_t source_pos, std::size_t target_pos, sim::RandomStream& rng,
               sim::Context& ctx);
  void on_deliver(Worm& w, const sim::Event& e, sim::Context& ctx);
  void infect(Worm& w, std::uint32_t pos, std::uint32_t source, sim::Context& ctx);
  void crash_rpc(std::uint32_t host, std::uint32_t source, const Worm& w, sim::Context& ctx);
  void deface(std::uint32_t host, std::uint32_t source, const Worm& w, sim::Context& ctx);
  void remove_worm(Worm& w, std::uint32_t pos, sim::Context& ctx);
  sim::SimTime removal_time(const Worm& w) const;
  void record(sim::Context& ctx, std::uint32_t host, OutbreakEvent::Kind kind, std::uint16_t worm,
              std::uint32_t cause);
  void on_reboot_start(std::uint32_t host, sim::Context& ctx);
  void welchia_cleans(std::uint32_t host, bool patched, sim::SimTime reboot_in, sim::Context& ctx);
  void on_reboot_end(std::uint32_t host, sim::Context& ctx);
  sim::RandomStream scan_stream(const Worm& w, std::uint32_t pos) const;
  double rate_of(const Worm& w, std::uint32_t host) const;
  PartitionBooks& books(sim::Context& ctx);
  // Defences (defence/defences.cpp).
  /// Whether a defence may make a host infected by Code Red v2 susceptible again.
  static bool defences_may_restore_susceptible(const Scenario& scenario, const World& world);
  /// Whether quarantine may clean hosts: an infected host, out of the live set for a persistent
  /// worm, may then be susceptible again.
  static bool defences_clean_hosts(const Scenario& scenario, const World& world);
  void init_defences();
  void start_defences(sim::Context& ctx);
  void on_defence_host(std::uint16_t policy, std::uint32_t host, sim::Context& ctx);
  void on_defence_site(std::uint16_t policy, std::uint32_t site, sim::Context& ctx);
  void begin_install(std::uint16_t policy, std::uint32_t host, sim::Context& ctx);
  void on_install_done(const sim::Event& e, sim::Context& ctx);
  void watch_scanning(std::uint32_t host, sim::Context& ctx);
  void on_detect(const sim::Event& e, sim::Context& ctx);
  void on_clean_done(std::uint16_t policy, std::uint32_t host, sim::Context& ctx);
  void clean_host(std::uint32_t host, sim::Context& ctx);
  void refresh_host(std::uint32_t host, sim::Context& ctx);
  void resume_installs(std::uint32_t host, sim::Context& ctx);
  /// Whether a defence stops the hit at the source; may add kNoInfect / kBlacklisted to `tag`.
  bool blocked_at_source(const Worm& w, std::uint32_t source_pos, std::size_t target_pos,
                         std::uint16_t& tag, sim::Context& ctx);
  /// Whether a defence stops the delivery at the target; may add kNoInfect to `tag`.
  bool blocked_at_target(const Worm& w, std::uint32_t pos, std::uint32_t source, std::uint16_t& tag,
                         sim::Context& ctx);

  const Scenario& scenario_;
  World world_;
  std::uint64_t replication_;
  OutbreakOptions options_;
  std::array<std::uint32_t, 2> key_;
  sim::SimTime lookahead_;
  sim::SimTime next_refresh_ = sim::SimTime::max();  // a step that refreshes the live sets
  bool refresh_planned_ = false;
  std::vector<std::unique_ptr<Worm>> worms_;
  std::vector<std::uint32_t> host_partition_;
  std::unique_ptr<HostState> hosts_;
  std::unique_ptr<Defences> defences_;       // null when the scenario has no defence
  std::unique_ptr<NetworkRuntime> network_;  // null without [network]
  sim::SimTime reboot_time_;                 // how long a rebooting host stays off the network
  std::vector<PartitionBooks> books_;
  sim::MetricTable curves_;
  std::vector<std::size_t> metric_ids_;
};

}  // namespace wormsim::models
