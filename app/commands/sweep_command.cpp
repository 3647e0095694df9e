// wormsim sweep: runs the Cartesian grid of `--set KEY=v1,v2,...` overrides of one scenario on
// common random numbers (every point runs replications 0..N-1 with one seed), writes one tidy
// table with the parameters as columns (sweep.csv) and per point estimates (sweep_summary.csv,
// sweep.json). Every finished (point, replication) is appended to a progress file as it
// finishes, so that the same command run again on the same folder resumes where it stopped and
// writes the same bytes an uninterrupted sweep would.
#include <fmt/format.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "analysis/sweep.hpp"
#include "analysis/write/outputs.hpp"
#include "analysis/write/report.hpp"
#include "analysis/write/sweep_outputs.hpp"
#include "app/commands/commands.hpp"
#include "app/commands/options.hpp"
#include "app/progress.hpp"
#include "models/registry.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"

namespace wormsim::app {

namespace {

struct SweepOptions {
  std::string file;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> replications;
  unsigned threads = 0;
  std::string out = "wormsim-sweep";
  std::string variant;
  ProgressFlags progress;
};

/// The swept parameters of the command line, in order. Bad input (exit 2): a malformed --set, a
/// key given twice, and the seed or the replications, which a sweep keeps common to every point.
std::vector<analysis::SweepParameter> sweep_parameters(const std::vector<std::string>& sets) {
  std::vector<analysis::SweepParameter> parameters;
  std::vector<std::vector<std::string>> seen;
  for (const std::string& text : sets) {
    const models::Override o = models::parse_override(text);
    const std::vector<std::string> segments = models::key_segments(o.key);
    if (std::find(seen.begin(), seen.end(), segments) != seen.end())
      throw models::InputError(fmt::format(
          "{}: error: {} is set twice; give all its values in one --set, e.g. --set {}=1,2,3\n",
          o.option_text(), o.key, o.key));
    seen.push_back(segments);
    if (segments == std::vector<std::string>{"simulation", "seed"} ||
        segments == std::vector<std::string>{"simulation", "replications"})
      throw models::InputError(fmt::format(
          "{}: error: every point of a sweep runs with one seed and the same replications "
          "(common random numbers); use --{} instead\n",
          o.option_text(), segments[1]));
    parameters.push_back({o.key, models::split_values(o.value)});
  }
  return parameters;
}

/// The scenario with its [[variant]] NAME applied; bad input if it has no such variant.
models::Scenario apply_variant(const models::Scenario& scenario, const std::string& name,
                               const std::string& file) {
  if (auto s = models::with_variant(scenario, name)) return std::move(*s);
  std::vector<std::string> names;
  std::string list;
  for (const auto& v : scenario.variants) {
    names.push_back(v.name);
    list += list.empty() ? "" : ", ";
    list += v.name;
  }
  std::string msg =
      scenario.variants.empty()
          ? fmt::format(
                "wormsim sweep: error: --variant: expected a variant of {}, got \"{}\", "
                "but the scenario has no [[variant]] tables",
                file, name)
          : fmt::format(
                "wormsim sweep: error: --variant: expected a variant of {} (one of: {}), got "
                "\"{}\"",
                file, list, name);
  if (auto near = models::nearest(name, names)) msg += fmt::format("; did you mean \"{}\"?", *near);
  throw models::InputError(msg + "\n");
}

// --- The printed table (the files keep full precision) -------------------------------------

std::string figure_text(analysis::FigureUnit unit, double v) {
  if (unit == analysis::FigureUnit::seconds) {
    // To the second below an hour, to the minute above.
    auto s = static_cast<std::int64_t>(std::llround(v));
    if (s >= 3600) s = (s + 30) / 60 * 60;
    return sim::format_duration(sim::SimTime::from_s(s));
  }
  return std::abs(v) < 100 && v != std::floor(v) ? fmt::format("{:.1f}", v) : with_commas(v);
}

std::string cell(analysis::FigureUnit unit, const std::optional<analysis::Estimate>& e,
                 std::uint32_t replications) {
  if (!e) return unit == analysis::FigureUnit::seconds ? "not reached" : "none";
  std::string text = fmt::format("{} [{}, {}]", figure_text(unit, e->mean),
                                 figure_text(unit, e->ci_low), figure_text(unit, e->ci_high));
  if (e->n < replications) text += fmt::format(" n={}/{}", e->n, replications);
  return text;
}

void print_points(const analysis::SweepResults& results,
                  const std::vector<analysis::SweepFigure>& figures) {
  const analysis::SweepGrid grid(results.identity.parameters);
  // The figures a reader looks at first; the files have them all.
  const std::vector<std::pair<std::string_view, std::string>> shown = {
      {"infected_total", "final infected"},
      {"time_to_50pct_s", "time to 50%"},
      {"peak_infections_per_minute", "peak per minute"}};
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> header = {"point"};
  for (const auto& p : grid.parameters()) header.push_back(p.key);
  for (const auto& [key, label] : shown) header.push_back(label);
  lines.push_back(header);
  for (std::size_t p = 0; p < grid.size(); ++p) {
    std::vector<std::string> line = {std::to_string(p)};
    for (const auto& o : grid.overrides(p)) line.push_back(models::display_value(o.value));
    for (const auto& [key, label] : shown)
      for (std::size_t f = 0; f < figures.size(); ++f)
        if (figures[f].key == key)
          line.push_back(cell(figures[f].unit, analysis::point_estimate(results, p, f),
                              results.identity.replications));
    lines.push_back(line);
  }
  print_table(lines);
}

}  // namespace

Action add_sweep_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Run a scenario over a grid of values (--set KEY=v1,v2,... for each swept key) with the "
      "same seed and replications at every point (common random numbers); writes sweep.csv "
      "(tidy, the parameters as columns), sweep_summary.csv and sweep.json. Run again with the "
      "same command and --out to resume an interrupted sweep");
  cmd->add_option("FILE", o->file, "Scenario file (TOML)")->required();
  add_set_option(cmd, o->sets,
                 "A swept key and its values, e.g. --set worm.probe_rate=180/min,358/min "
                 "(repeatable; the first key varies slowest; commas inside quotes, [] or {} do "
                 "not split)")
      ->required();
  cmd->add_option("--seed", o->seed, "Seed of every point (default: the scenario's)");
  cmd->add_option("--replications", o->replications,
                  "Replications of every point (default: the scenario's); 10 or more give useful "
                  "intervals")
      ->check(CLI::Range(1u, 1000000u));
  cmd->add_option("--threads", o->threads,
                  "Worker threads (0: every core); outputs do not depend on it")
      ->check(CLI::Range(0u, 1024u));
  cmd->add_option("--out", o->out, "Output folder (it also holds the progress file)")
      ->capture_default_str();
  cmd->add_option("--variant", o->variant,
                  "Sweep the scenario with the defences and actions of its [[variant]] NAME");
  add_progress_flags(cmd, o->progress);
  return [o, command_line]() {
    std::vector<analysis::SweepParameter> parameters = sweep_parameters(o->sets);
    std::optional<analysis::SweepGrid> grid_or;
    try {
      grid_or.emplace(parameters);
    } catch (const std::invalid_argument& e) {
      throw models::InputError(fmt::format("wormsim sweep: error: {}\n", e.what()));
    }
    const analysis::SweepGrid& grid = *grid_or;

    // Every point is loaded and checked before anything runs; a bad value shows in every point
    // that has it, and is reported once.
    std::vector<models::Scenario> points;
    points.reserve(grid.size());
    std::vector<std::string> problems;
    std::set<std::string> reported;
    for (std::size_t p = 0; p < grid.size(); ++p) {
      try {
        models::Scenario s = models::load_scenario_file(o->file, grid.overrides(p));
        if (!o->variant.empty()) s = apply_variant(s, o->variant, o->file);
        points.push_back(std::move(s));
      } catch (const models::InputError& e) {
        std::string_view text = e.what();
        while (!text.empty()) {
          const auto end = std::min(text.find('\n'), text.size());
          const std::string line(text.substr(0, end));
          if (reported.insert(line).second) problems.push_back(line + "\n");
          text.remove_prefix(std::min(end + 1, text.size()));
        }
      }
    }
    if (!problems.empty()) {
      std::string text;
      for (const auto& msg : problems) text += msg;
      throw models::InputError(text);
    }
    for (const auto& s : points)
      if (s.text_hash != points.front().text_hash)
        throw models::InputError(fmt::format(
            "wormsim sweep: error: {} changed while its points were read; run the sweep again\n",
            o->file));

    // Common random numbers: one seed and one set of replication indices for every point.
    const std::uint64_t seed = o->seed.value_or(points.front().simulation.seed);
    const std::uint32_t reps = o->replications.value_or(points.front().simulation.replications);
    bool network = false, defences = false;
    for (auto& s : points) {
      s.simulation.seed = seed;
      s.simulation.replications = reps;
      network = network || s.network.enabled;
      defences = defences || !s.defences.empty();
    }
    const std::vector<analysis::SweepFigure> figures = analysis::sweep_figures(network, defences);

    analysis::SweepResults results;
    analysis::SweepIdentity& id = results.identity;
    id.version = WORMSIM_VERSION;
    id.scenario_path = o->file;
    id.text_hash = points.front().text_hash;
    id.variant = o->variant;
    id.parameters = parameters;
    id.seed = seed;
    id.replications = reps;
    for (const auto& f : figures) id.figures.emplace_back(f.key);
    for (const auto& s : points) results.scenario_names.push_back(s.simulation.name);

    const std::filesystem::path out(o->out);
    const std::filesystem::path progress_path = out / analysis::kSweepProgressFile;
    // A progress file from another sweep is refused before the folder is touched.
    std::optional<analysis::SweepProgressContents> before =
        analysis::read_sweep_progress(progress_path);
    if (before) {
      const auto differences = analysis::identity_differences(id, before->identity);
      if (!differences.empty()) {
        std::string text = fmt::format(
            "wormsim sweep: error: {} holds the progress of another sweep, so this one cannot "
            "resume it:\n",
            progress_path.string());
        for (const auto& d : differences) text += fmt::format("  {}\n", d);
        text += fmt::format(
            "Run the command that started it to finish it, choose another --out folder, or "
            "remove {} to start again.\n",
            progress_path.string());
        throw models::InputError(text);
      }
    }
    create_output_folder(out);

    // What an earlier run finished is taken as it was recorded; the rest runs now.
    results.values.assign(grid.size(), std::vector<std::vector<std::optional<double>>>(reps));
    std::vector<std::vector<bool>> done(grid.size(), std::vector<bool>(reps, false));
    std::vector<analysis::SweepRecord> kept;
    if (before)
      for (auto& r : before->records) {
        if (done[r.point][r.replication]) continue;
        done[r.point][r.replication] = true;
        results.values[r.point][r.replication] = r.values;
        kept.push_back(std::move(r));
      }
    analysis::SweepProgressFile progress_file(progress_path, id, kept);
    std::vector<std::pair<std::size_t, std::uint32_t>> tasks;
    for (std::size_t p = 0; p < grid.size(); ++p)
      for (std::uint32_t r = 0; r < reps; ++r)
        if (!done[p][r]) tasks.emplace_back(p, r);

    const unsigned threads = worker_threads(o->threads);
    std::vector<sim::SimTime> horizons;
    for (const auto& [p, r] : tasks) horizons.push_back(points[p].simulation.duration);
    ProgressMeter progress("sweep", "runs", std::move(horizons), o->progress.wanted(), kept.size());
    std::vector<std::uint64_t> task_events(tasks.size(), 0);
    // Each (point, replication) runs on the sequential scheduler and its figures are stored by
    // index, so nothing depends on the threads or the order of completion.
    auto one = [&](std::size_t t) {
      const auto [p, r] = tasks[t];
      models::OutbreakOptions options;
      options.progress_us = progress.clock(t);
      const models::ReplicationRun run =
          models::run_replication(points[p], r, options, models::SchedulerChoice{});
      analysis::SweepRecord record{p, r, analysis::figure_values(figures, run.summary)};
      task_events[t] = run.summary.events;
      progress_file.append(record);
      results.values[p][r] = std::move(record.values);
      progress.task_done(t);
    };
    const auto t0 = std::chrono::steady_clock::now();
    if (threads == 1 || tasks.size() <= 1) {
      for (std::size_t t = 0; t < tasks.size(); ++t) one(t);
    } else {
      tbb::task_arena arena(static_cast<int>(threads));
      arena.execute([&] { tbb::parallel_for(std::size_t{0}, tasks.size(), one); });
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.finish();
    std::uint64_t events = 0;
    for (auto e : task_events) events += e;

    analysis::write_sweep_csv(out / "sweep.csv", results);
    analysis::write_sweep_summary_csv(out / "sweep_summary.csv", results);
    analysis::write_sweep_json(out / "sweep.json", results);
    analysis::write_run_json(out / "run.json", {WORMSIM_VERSION, command_line, o->file, threads,
                                                "sequential", wall, events});
    analysis::write_report(out);  // from the files just written, as `wormsim report` reads them

    const std::size_t total = grid.size() * reps;
    fmt::print("wormsim sweep — {}: {} point{} × {} replication{}, seed {} for every point\n",
               points.front().simulation.name, grid.size(), grid.size() == 1 ? "" : "s", reps,
               reps == 1 ? "" : "s", seed);
    if (!kept.empty())
      fmt::print("  resumed: {} of {} runs were done already ({}), {} ran now\n", kept.size(),
                 total, progress_path.string(), tasks.size());
    if (before && before->dropped_lines > 0)
      fmt::print(
          "  {} incomplete line{} of the progress file (a write cut short) dropped; run again\n",
          before->dropped_lines, before->dropped_lines == 1 ? "" : "s");
    fmt::print("\n");
    print_points(results, figures);
    fmt::print(
        "\nCells: mean [95% Student-t interval] over the replications. Common random "
        "numbers: replication r\nof every point draws from the streams of seed {} and r.\n",
        seed);
    if (reps < 10) fmt::print("{} replications: 10 or more give useful intervals.\n", reps);
    fmt::print(
        "wall time {:.2f} s on {} thread{}; outputs in {}/ (sweep.csv, sweep_summary.csv, "
        "sweep.json, report.html, run.json, {})\n",
        wall, threads, threads == 1 ? "" : "s", out.string(), analysis::kSweepProgressFile);
    return kExitOk;
  };
}

}  // namespace wormsim::app
