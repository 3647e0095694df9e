// wormsim compare: runs several scenarios — files, or the [[variant]]s of a file — on common random
// numbers (every column runs replications 0..N-1 with one seed) and prints the headline figures
// with 95% intervals and the paired differences to the first column; writes compare.csv,
// compare.json, compare_curves.csv, report.html and run.json.
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

#include "analysis/comparison.hpp"
#include "analysis/write/comparison_outputs.hpp"
#include "analysis/write/outputs.hpp"
#include "analysis/write/report.hpp"
#include "app/commands/commands.hpp"
#include "app/commands/options.hpp"
#include "app/progress.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"

namespace wormsim::app {

namespace {

struct CompareOptions {
  std::vector<std::string> files;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> replications;
  std::string duration;
  unsigned threads = 0;
  std::string out = "wormsim-compare";
  std::vector<std::string> sets;
  ProgressFlags progress;
};

/// One column to run: the scenario (its seed and replications made common before anything runs)
/// and the file it came from.
struct Column {
  models::Scenario scenario;
  std::string file;
  std::string stem;
};

/// Text with no non-zero digit reads as zero ("0", "0.0", "-0.0", "0s").
bool reads_as_zero(const std::string& text) {
  return text.find_first_of("123456789") == std::string::npos;
}

/// Labels: the variant's name, or the file's stem for a file without variants. If two columns
/// would share a label, every variant column is prefixed with its file's stem ("codered/patch");
/// labels still shared (the same file twice) get " (2)", " (3)", ... in column order.
std::vector<std::string> column_labels(const std::vector<Column>& columns) {
  auto has_duplicates = [](const std::vector<std::string>& labels) {
    std::vector<std::string> sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
  };
  std::vector<std::string> labels;
  for (const auto& c : columns)
    labels.push_back(c.scenario.variant.empty() ? c.stem : c.scenario.variant);
  if (has_duplicates(labels))
    for (std::size_t k = 0; k < columns.size(); ++k)
      if (!columns[k].scenario.variant.empty())
        labels[k] = fmt::format("{}/{}", columns[k].stem, columns[k].scenario.variant);
  // A label's first column keeps it; later ones take the first free " (n)", free also of every
  // label given above (a file may well be called "a (2).toml").
  std::set<std::string> used(labels.begin(), labels.end());
  std::set<std::string> kept;
  for (auto& label : labels) {
    if (kept.insert(label).second) continue;
    int n = 2;
    std::string candidate = fmt::format("{} ({})", label, n);
    while (used.count(candidate) != 0) candidate = fmt::format("{} ({})", label, ++n);
    used.insert(candidate);
    label = candidate;
  }
  return labels;
}

// --- Human units for the printed table (the files keep full precision) ---------------------

/// "5h57m" → "5h 57m": a space between the components of sim::format_duration's text.
std::string spaced(const std::string& compact) {
  std::string out;
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const bool digit = compact[i] >= '0' && compact[i] <= '9';
    if (digit && i > 0 && compact[i - 1] >= 'a' && compact[i - 1] <= 'z') out.push_back(' ');
    out.push_back(compact[i]);
  }
  return out;
}

/// How one line of a cell prints its numbers: decimals for counts, rounding step for times,
/// chosen from the largest magnitude on the line so that its numbers read alike.
struct Precision {
  int decimals = 0;
  std::int64_t step_us = 1'000'000;
};

Precision precision_for(analysis::FigureUnit unit, const analysis::Estimate& e) {
  const double largest = std::max({std::abs(e.mean), std::abs(e.ci_low), std::abs(e.ci_high)});
  Precision p;
  if (unit == analysis::FigureUnit::seconds) {
    p.step_us = largest >= 3600 ? 60'000'000 : largest >= 60 ? 1'000'000 : 100'000;
  } else if (unit == analysis::FigureUnit::percent) {
    p.decimals = 1;
  } else {
    const auto integral = [](double x) { return std::abs(x - std::round(x)) < 1e-9; };
    p.decimals =
        largest >= 1000 || (integral(e.mean) && integral(e.ci_low) && integral(e.ci_high)) ? 0 : 1;
  }
  return p;
}

std::string format_value(analysis::FigureUnit unit, const Precision& p, double v, bool signed_) {
  std::string text;
  if (unit == analysis::FigureUnit::seconds) {
    const double steps = std::round(v * 1e6 / static_cast<double>(p.step_us));
    text = spaced(
        sim::format_duration(sim::SimTime::from_us(static_cast<std::int64_t>(steps) * p.step_us)));
  } else {
    text = with_commas(v, p.decimals);
  }
  if (signed_ && text.front() != '-' && !reads_as_zero(text)) return fmt::format("+{}", text);
  return text;
}

std::string format_estimate(analysis::FigureUnit unit, const analysis::Estimate& e, bool signed_) {
  const Precision p = precision_for(unit, e);
  return fmt::format("{} [{}, {}]", format_value(unit, p, e.mean, signed_),
                     format_value(unit, p, e.ci_low, false),
                     format_value(unit, p, e.ci_high, false));
}

/// " n=7/10" when some replications lack the figure.
std::string coverage(std::size_t n, std::uint32_t replications) {
  return n < replications ? fmt::format("  n={}/{}", n, replications) : std::string();
}

void print_comparison(const analysis::Comparison& c, const std::vector<double>& column_wall) {
  const auto& figures = analysis::comparison_figures();
  const std::size_t columns = c.columns.size();
  // Each line: a row label, then one cell per column. A figure takes two lines when there are
  // differences to show (more than one column).
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> header = {""};
  for (const auto& col : c.columns) header.push_back(col.label);
  lines.push_back(header);
  for (std::size_t f = 0; f < figures.size(); ++f) {
    const auto unit = figures[f].unit;
    std::vector<std::string> value = {std::string(figures[f].label)};
    std::vector<std::string> diff = {""};
    for (std::size_t k = 0; k < columns; ++k) {
      const auto& cell = c.cells[f][k];
      if (cell.estimate)
        value.push_back(format_estimate(unit, *cell.estimate, false) +
                        coverage(cell.estimate->n, c.replications));
      else
        value.emplace_back(unit == analysis::FigureUnit::seconds ? "not reached" : "none");
      if (k == 0)
        diff.emplace_back();
      else if (cell.difference)
        diff.push_back(fmt::format("Δ {}{}", format_estimate(unit, *cell.difference, true),
                                   coverage(cell.difference->n, c.replications)));
      else
        diff.emplace_back("Δ none: no replication pairs");
    }
    lines.push_back(value);
    if (columns > 1) lines.push_back(diff);
  }
  std::vector<std::string> wall = {"wall time (sum of replications)"};
  for (double w : column_wall) wall.push_back(fmt::format("{:.2f} s", w));
  lines.push_back(wall);

  print_table(lines);
}

}  // namespace

Action add_compare_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Run scenarios (files, or the [[variant]]s of a file) with the same seed and replications "
      "(common random numbers) and compare their figures, with 95% intervals and the paired "
      "difference to the first column");
  cmd->add_option("FILE", o->files,
                  "Scenario files (TOML); a file with [[variant]] tables gives one column per "
                  "variant")
      ->required();
  cmd->add_option("--seed", o->seed,
                  "Seed of every column (default: the first column's scenario seed)");
  cmd->add_option("--replications", o->replications,
                  "Replications of every column (default: the first column's scenario value); "
                  "10 or more give useful intervals")
      ->check(CLI::Range(1u, 1000000u));
  cmd->add_option("--duration", o->duration,
                  "Override every scenario's simulated duration (with units: \"2h\", \"3d\")");
  cmd->add_option("--threads", o->threads,
                  "Worker threads (0: every core); outputs do not depend on it")
      ->check(CLI::Range(0u, 1024u));
  cmd->add_option("--out", o->out, "Output folder")->capture_default_str();
  add_set_option(cmd, o->sets,
                 "Override a value of every scenario file, e.g. --set simulation.duration=2h "
                 "(repeatable; checked like the files)");
  add_progress_flags(cmd, o->progress);
  return [o, command_line]() {
    const std::vector<models::Override> overrides = parse_overrides(o->sets);
    // Every file is read before anything runs, and every unreadable or bad one reported.
    std::vector<Column> columns;
    std::string problems;
    for (const std::string& file : o->files) {
      try {
        const models::Scenario scenario = models::load_scenario_file(file, overrides);
        const std::string stem = std::filesystem::path(file).stem().string();
        for (auto& s : models::scenario_columns(scenario))
          columns.push_back({std::move(s), file, stem});
      } catch (const models::InputError& e) {
        problems += e.what();
      }
    }
    if (!problems.empty()) throw models::InputError(problems);
    if (columns.empty())
      throw models::InputError("wormsim compare: error: no scenario to compare\n");

    std::optional<sim::SimTime> duration;
    if (!o->duration.empty()) {
      duration = sim::parse_duration(o->duration);
      if (!duration || duration->us <= 0)
        throw models::InputError(fmt::format(
            "wormsim compare: error: --duration: expected a positive duration with units ({}), "
            "got \"{}\"\n",
            sim::duration_units, o->duration));
    }

    // Common random numbers: one seed and one set of replication indices for every column.
    const std::uint64_t seed = o->seed.value_or(columns.front().scenario.simulation.seed);
    const std::uint32_t reps =
        o->replications.value_or(columns.front().scenario.simulation.replications);
    std::vector<std::string> notes;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      Column& c = columns[k];
      models::SimulationConfig& config = c.scenario.simulation;
      // The variants of one file are adjacent columns: note a file once.
      const bool first_of_file = k == 0 || columns[k - 1].file != c.file;
      if (first_of_file && !o->seed && config.seed != seed)
        notes.push_back(fmt::format("{} sets seed {}; it runs with seed {} like every column",
                                    c.file, config.seed, seed));
      if (first_of_file && !o->replications && config.replications != reps)
        notes.push_back(fmt::format("{} sets {} replications; it runs {} like every column", c.file,
                                    config.replications, reps));
      config.seed = seed;
      config.replications = reps;
      if (duration) {
        config.duration = *duration;
        if (config.sample_every > *duration) config.sample_every = *duration;
      }
    }
    const std::vector<std::string> labels = column_labels(columns);

    const std::filesystem::path out(o->out);
    create_output_folder(out);

    const unsigned threads = worker_threads(o->threads);
    // Replications run side by side over every (column, replication) pair, each on the
    // sequential scheduler; results are stored by index, so nothing depends on the threads.
    const std::size_t tasks = columns.size() * reps;
    std::vector<std::vector<models::ReplicationSummary>> runs(
        columns.size(), std::vector<models::ReplicationSummary>(reps));
    std::vector<double> task_wall(tasks, 0.0);
    std::vector<sim::SimTime> horizons;
    for (std::size_t task = 0; task < tasks; ++task)
      horizons.push_back(columns[task / reps].scenario.simulation.duration);
    ProgressMeter progress("compare", "replications", std::move(horizons), o->progress.wanted());
    // Only the infection curves are kept (compare_curves.csv), not every series of every run.
    std::vector<std::vector<sim::MetricTable>> curves(columns.size(),
                                                      std::vector<sim::MetricTable>(reps));
    auto one = [&](std::size_t task) {
      const std::size_t k = task / reps;
      const std::uint32_t r = static_cast<std::uint32_t>(task % reps);
      const auto t0 = std::chrono::steady_clock::now();
      models::OutbreakOptions options;
      options.progress_us = progress.clock(task);
      models::ReplicationRun run =
          models::run_replication(columns[k].scenario, r, options, models::SchedulerChoice{});
      runs[k][r] = std::move(run.summary);
      curves[k][r] = analysis::compared_curves(run.curves);
      task_wall[task] =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      progress.task_done(task);
    };
    const auto t0 = std::chrono::steady_clock::now();
    if (threads == 1 || tasks == 1) {
      for (std::size_t t = 0; t < tasks; ++t) one(t);
    } else {
      tbb::task_arena arena(static_cast<int>(threads));
      arena.execute([&] { tbb::parallel_for(std::size_t{0}, tasks, one); });
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.finish();

    std::vector<analysis::ComparisonColumn> meta;
    std::vector<double> column_wall(columns.size(), 0.0);
    std::uint64_t events = 0;
    std::string paths;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const models::Scenario& s = columns[k].scenario;
      meta.push_back({labels[k], columns[k].file, s.simulation.name, s.variant, s.text_hash,
                      sim::format_duration(s.simulation.duration), s.overrides});
      for (std::uint32_t r = 0; r < reps; ++r) {
        column_wall[k] += task_wall[k * reps + r];
        events += runs[k][r].events;
      }
    }
    for (const auto& f : o->files) paths += paths.empty() ? f : fmt::format(" {}", f);
    const analysis::Comparison comparison = analysis::compare(std::move(meta), runs, seed);

    analysis::write_compare_csv(out / "compare.csv", comparison);
    analysis::write_compare_json(out / "compare.json", comparison, WORMSIM_VERSION);
    analysis::write_compare_curves_csv(out / "compare_curves.csv", comparison, curves);
    analysis::write_run_json(out / "run.json", {WORMSIM_VERSION, command_line, paths, threads,
                                                "sequential", wall, events});
    analysis::write_report(out);  // from the files just written, as `wormsim report` reads them

    fmt::print("wormsim compare — {} column{}, {} replication{} each, seed {} for every column\n",
               columns.size(), columns.size() == 1 ? "" : "s", reps, reps == 1 ? "" : "s", seed);
    for (const auto& note : notes) fmt::print("  note: {}\n", note);
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const models::Scenario& s = columns[k].scenario;
      fmt::print("  {}: {}{} — {}, {}\n", labels[k], columns[k].file,
                 s.variant.empty() ? std::string() : fmt::format(", variant {}", s.variant),
                 s.simulation.name, spaced(sim::format_duration(s.simulation.duration)));
    }
    fmt::print("\n");
    print_comparison(comparison, column_wall);
    fmt::print("\nCells: mean [95% Student-t interval] over the replications.\n");
    if (columns.size() > 1)
      fmt::print(
          "Δ: the column minus {}, paired by replication, with its 95% interval.\nCommon random "
          "numbers: replication r of every column draws from the streams of seed {} and r,\nso "
          "a pair shares its randomness wherever the scenarios agree.\n",
          comparison.columns.front().label, seed);
    if (reps < 10) fmt::print("{} replications: 10 or more give useful intervals.\n", reps);
    fmt::print(
        "wall time {:.2f} s on {} thread{}; outputs in {}/ (compare.csv, compare.json, "
        "compare_curves.csv, report.html, run.json)\n",
        wall, threads, threads == 1 ? "" : "s", out.string());
    return kExitOk;
  };
}

}  // namespace wormsim::app
