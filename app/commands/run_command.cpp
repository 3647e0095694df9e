#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "analysis/write/bands.hpp"
#include "analysis/write/outputs.hpp"
#include "analysis/write/report.hpp"
#include "app/commands/commands.hpp"
#include "app/commands/options.hpp"
#include "app/default_scenario.hpp"
#include "app/progress.hpp"
#include "models/registry.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"

namespace wormsim::app {

namespace {

struct RunOptions {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> replications;
  std::string duration;
  unsigned threads = 0;
  std::string out = "wormsim-out";
  bool per_probe = false;
  bool events = false;
  std::string scheduler = "auto";
  bool stats = false;
  std::string variant;
  std::vector<std::string> sets;
  ProgressFlags progress;
};

/// How the threads are used: replications side by side, each on the sequential scheduler, or
/// one replication at a time on the windowed scheduler.
struct Plan {
  bool windowed = false;
  unsigned threads = 1;
};

/// "auto": with one thread, or at least as many replications as threads, replications run side
/// by side (the cheapest use of cores, no window overhead); with fewer replications than threads,
/// each replication runs on the windowed scheduler with every thread.
Plan plan_threads(const std::string& scheduler, unsigned threads, std::uint32_t replications) {
  if (scheduler == "sequential") return {false, threads};
  if (scheduler == "windowed") return {true, threads};
  return {threads > 1 && replications < threads, threads};
}

std::string with_commas(std::uint64_t v) {
  return app::with_commas(static_cast<double>(v));  // counts, exact below 2^53
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1000 && u < 5) {
    bytes /= 1000;
    ++u;
  }
  return fmt::format("{:.{}f} {}", bytes, u == 0 ? 0 : 1, units[u]);
}

std::string clock_of(const models::Scenario& s, double seconds_since_start) {
  const auto t = s.simulation.start_epoch_s + static_cast<std::int64_t>(seconds_since_start);
  const std::int64_t secs = ((t % 86400) + 86400) % 86400;
  return fmt::format("{:02d}:{:02d} UTC", secs / 3600, (secs / 60) % 60);
}

void print_summary(const models::Scenario& s, const std::vector<analysis::ReplicationResult>& runs,
                   const std::filesystem::path& out, double wall) {
  const auto& first = runs.front().summary;
  fmt::print("{}{} — {} replication{}, seed {}\n", s.simulation.name,
             s.variant.empty() ? std::string() : fmt::format(" — variant: {}", s.variant),
             runs.size(), runs.size() == 1 ? "" : "s", s.simulation.seed);
  fmt::print("  vulnerable hosts      {}\n", with_commas(first.vulnerable));
  fmt::print("  infected (total)      {}", with_commas(first.infected_total));
  if (first.vulnerable > 0)
    fmt::print(" ({:.1f}%)", 100.0 * static_cast<double>(first.infected_total) /
                                 static_cast<double>(first.vulnerable));
  fmt::print("\n");
  const char* labels[3] = {"10%", "50%", "90%"};
  for (int i = 0; i < 3; ++i) {
    const auto& t = first.time_to_fraction_s[static_cast<std::size_t>(i)];
    if (t)
      fmt::print("  time to {}          {} ({})\n", labels[i],
                 sim::format_duration(sim::SimTime::from_s(static_cast<std::int64_t>(*t))),
                 clock_of(s, *t));
    else
      fmt::print("  time to {}          not reached\n", labels[i]);
  }
  fmt::print("  peak                  {} new infections/min at {}\n",
             with_commas(first.peak_infections_per_minute), clock_of(s, first.peak_minute_start_s));
  if (!s.defences.empty()) {
    fmt::print("  defences              {} (actions.csv): {} hosts patched, {} probes blocked",
               s.defences.size(), with_commas(first.patched), with_commas(first.probes_blocked));
    if (first.protected_hosts > 0)
      fmt::print(", {} hosts protected", with_commas(first.protected_hosts));
    if (first.hosts_cleaned > 0) fmt::print(", {} hosts cleaned", with_commas(first.hosts_cleaned));
    fmt::print("\n");
  }
  if (first.has_network) {
    fmt::print(
        "  network               {} links saturated (peak {:.0f}% utilisation), {} dropped\n",
        with_commas(first.links_saturated), 100.0 * first.max_link_utilisation,
        format_bytes(first.bytes_dropped));
    fmt::print(
        "                        {} hits lost; {} device crashes, at most {} down, "
        "{} sites ({} hosts) cut off\n",
        with_commas(first.hits_lost), with_commas(first.device_crashes),
        with_commas(first.peak_devices_down), with_commas(first.peak_sites_cut_off),
        with_commas(first.peak_hosts_cut_off));
  }
  if (runs.size() > 1)
    fmt::print("  (figures of replication 0; all replications in summary.json)\n");
  fmt::print("  wall time             {:.2f} s\n", wall);
  fmt::print(
      "outputs in {}/ (curves.csv, bands.csv, actions.csv, {}{}summary.json, report.html, "
      "run.json)\n",
      out.string(), runs.front().events.empty() ? "" : "events.csv, ",
      first.has_network ? "links.csv, links_summary.csv, devices.csv, " : "");
}

void print_stats(const std::vector<sim::RunStats>& stats, const Plan& plan,
                 std::uint32_t partitions, double wall) {
  sim::RunStats total;
  for (const auto& s : stats) {
    total.events += s.events;
    total.windows += s.windows;
    total.samples += s.samples;
    total.max_window_events = std::max(total.max_window_events, s.max_window_events);
    total.barrier_ns += s.barrier_ns;
    total.merge_ns += s.merge_ns;
  }
  fmt::print("scheduler\n");
  fmt::print("  kind                  {} ({} thread{}{})\n",
             plan.windowed ? "windowed" : "sequential", plan.threads, plan.threads == 1 ? "" : "s",
             plan.windowed ? ", one replication at a time" : "");
  fmt::print("  partitions            {}\n", partitions);
  fmt::print("  events                {} ({:.2f} million/s)\n", with_commas(total.events),
             wall > 0 ? static_cast<double>(total.events) / wall * 1e-6 : 0.0);
  fmt::print("  samples (barriers)    {}\n", with_commas(total.samples));
  if (plan.windowed) {
    fmt::print("  windows               {}\n", with_commas(total.windows));
    fmt::print("  events per window     {:.1f} mean, {} max\n", total.mean_window_events(),
               with_commas(total.max_window_events));
    fmt::print("  time in barriers      {:.3f} s\n", static_cast<double>(total.barrier_ns) * 1e-9);
    fmt::print("  time in merges        {:.3f} s\n", static_cast<double>(total.merge_ns) * 1e-9);
  }
}

std::string built_in_name() {
  return fmt::format("(built-in) {}", kDefaultScenarioName);
}

/// The scenario with its [[variant]] NAME applied; bad input if it has no such variant.
models::Scenario apply_variant(const models::Scenario& scenario, const std::string& name,
                               const std::string& shown_file) {
  if (auto s = models::with_variant(scenario, name)) return std::move(*s);
  if (scenario.variants.empty())
    throw models::InputError(fmt::format(
        "wormsim run: error: --variant: expected a variant of {}, got \"{}\", but the scenario "
        "has no [[variant]] tables\n",
        shown_file, name));
  std::vector<std::string> names;
  std::string list;
  for (const auto& v : scenario.variants) {
    names.push_back(v.name);
    list += (list.empty() ? "" : ", ") + v.name;
  }
  std::string msg = fmt::format(
      "wormsim run: error: --variant: expected a variant of {} (one of: {}), got \"{}\"",
      shown_file, list, name);
  if (auto near = models::nearest(name, names)) msg += fmt::format("; did you mean \"{}\"?", *near);
  throw models::InputError(msg + "\n");
}

}  // namespace

Action add_run_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a scenario (the Code Red v2 outbreak of 19 July 2001 if no file is given)");
  cmd->add_option("FILE", o->file, "Scenario file (TOML)");
  cmd->add_option("--seed", o->seed, "Override the scenario's seed");
  cmd->add_option("--duration", o->duration,
                  "Override the scenario's simulated duration (with units: \"2h\", \"3d\")");
  cmd->add_option("--replications", o->replications, "Number of replications")
      ->check(CLI::Range(1u, 1000000u));
  cmd->add_option("--threads", o->threads,
                  "Worker threads (0: every core); outputs do not depend on it")
      ->check(CLI::Range(0u, 1024u));
  cmd->add_option("--scheduler", o->scheduler,
                  "auto: replications side by side when there are at least as many as threads, "
                  "else each replication on the windowed scheduler with every thread; "
                  "sequential: replications side by side; windowed: one at a time, every thread "
                  "on its partitions")
      ->check(CLI::IsMember({"auto", "sequential", "windowed"}))
      ->capture_default_str();
  cmd->add_flag("--stats", o->stats,
                "Print the scheduler's figures: events, windows, events per window, time in "
                "barriers and merges");
  cmd->add_option("--out", o->out, "Output folder")->capture_default_str();
  cmd->add_flag("--events", o->events,
                "Also write events.csv: every infection, crash and reboot with its cause");
  cmd->add_flag("--per-probe", o->per_probe,
                "Simulate every single probe (reference mode, for small address spaces)");
  cmd->add_option("--variant", o->variant,
                  "Run the scenario with the defences and actions of its [[variant]] NAME added "
                  "(without it, the variants are left out)");
  add_set_option(cmd, o->sets,
                 "Override a value of the scenario file, e.g. --set simulation.duration=2h or "
                 "--set population.0.count=1000 (repeatable; checked like the file)");
  add_progress_flags(cmd, o->progress);
  return [o, command_line]() {
    const std::vector<models::Override> overrides = parse_overrides(o->sets);
    models::Scenario scenario =
        o->file.empty()
            ? models::load_scenario_text(kDefaultScenarioText, built_in_name(), overrides)
            : models::load_scenario_file(o->file, overrides);
    if (!o->variant.empty())
      scenario = apply_variant(scenario, o->variant, o->file.empty() ? built_in_name() : o->file);
    if (o->seed) scenario.simulation.seed = *o->seed;
    if (o->replications) scenario.simulation.replications = *o->replications;
    if (!o->duration.empty()) {
      const auto d = sim::parse_duration(o->duration);
      if (!d || d->us <= 0)
        throw models::InputError(
            "wormsim run: error: --duration: expected a positive duration with units (" +
            std::string(sim::duration_units) + "), got \"" + o->duration + "\"\n");
      scenario.simulation.duration = *d;
      if (scenario.simulation.sample_every > *d) scenario.simulation.sample_every = *d;
    }

    const std::filesystem::path out(o->out);
    create_output_folder(out);

    const unsigned threads = worker_threads(o->threads);
    const models::OutbreakOptions options{o->per_probe, o->events};
    const std::uint32_t reps = scenario.simulation.replications;
    std::vector<analysis::ReplicationResult> results(reps);
    std::vector<sim::RunStats> stats(reps);
    const Plan plan = plan_threads(o->scheduler, threads, reps);
    const models::SchedulerChoice choice{plan.windowed ? models::SchedulerChoice::Kind::windowed
                                                       : models::SchedulerChoice::Kind::sequential,
                                         static_cast<int>(plan.threads)};
    ProgressMeter progress("run", "replications",
                           std::vector<sim::SimTime>(reps, scenario.simulation.duration),
                           o->progress.wanted());
    const auto t0 = std::chrono::steady_clock::now();
    auto one = [&](std::uint32_t r) {
      models::OutbreakOptions replication_options = options;
      replication_options.progress_us = progress.clock(r);
      models::ReplicationRun run =
          models::run_replication(scenario, r, replication_options, choice);
      stats[r] = run.stats;
      results[r] = {run.summary,           std::move(run.curves),  run.partitions,
                    std::move(run.events), std::move(run.actions), std::move(run.network)};
      progress.task_done(r);
    };
    if (plan.windowed || threads == 1 || reps == 1) {
      for (std::uint32_t r = 0; r < reps; ++r) one(r);
    } else {
      tbb::task_arena arena(static_cast<int>(threads));
      arena.execute(
          [&] { tbb::parallel_for(std::uint32_t{0}, reps, [&](std::uint32_t r) { one(r); }); });
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.finish();
    std::uint64_t events = 0;
    for (const auto& r : results) events += r.summary.events;

    analysis::write_curves_csv(out / "curves.csv", results);
    analysis::write_bands_csv(out / "bands.csv", results);
    analysis::write_actions_csv(out / "actions.csv", results);
    if (o->events) analysis::write_events_csv(out / "events.csv", scenario, results);
    if (scenario.network.enabled) analysis::write_network_csvs(out, results);
    analysis::write_summary_json(out / "summary.json", scenario, results, WORMSIM_VERSION,
                                 o->per_probe);
    analysis::write_run_json(
        out / "run.json",
        {WORMSIM_VERSION, command_line, o->file.empty() ? built_in_name() : o->file, threads,
         plan.windowed ? "windowed" : "sequential", wall, events});
    analysis::write_report(out);  // from the files just written, as `wormsim report` reads them
    print_summary(scenario, results, out, wall);
    if (o->stats) print_stats(stats, plan, results.front().partitions, wall);
    return kExitOk;
  };
}

}  // namespace wormsim::app
