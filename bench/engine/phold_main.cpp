// wormsim_phold: one PHOLD run on a chosen scheduler, for scripts that compare engines (see
// bench/compare). Prints the configuration, the committed events, their digest, the wall time of
// the run (model set-up excluded) and the event rate, one "key: value" per line; exits 2 on bad
// options.
#include <fmt/core.h>
#include <oneapi/tbb/global_control.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>

#include "bench/engine/phold.hpp"
#include "sim/sequential_scheduler.hpp"
#include "sim/windowed_scheduler.hpp"

int main(int argc, char** argv) {
  using namespace wormsim;
  CLI::App app{"wormsim_phold: PHOLD on wormsim's schedulers (ROSS's settings by default)"};
  std::string scheduler = "sequential";
  int threads = 1;
  bench::PholdConfig config;
  double end_s = 1'000.0, lookahead_s = 0.1;
  app.add_option("--scheduler", scheduler, "sequential or windowed")
      ->check(CLI::IsMember({"sequential", "windowed"}))
      ->capture_default_str();
  app.add_option("--threads", threads, "threads of the windowed scheduler")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--nlp", config.lps, "logical processes")
      ->check(CLI::Range(1u, 1u << 30))
      ->capture_default_str();
  app.add_option("--partitions", config.partitions, "partitions (contiguous blocks of LPs)")
      ->check(CLI::Range(1u, 1u << 20))
      ->capture_default_str();
  app.add_option("--end", end_s, "end time in model time units (1 unit = 1 simulated second)")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  app.add_option("--remote", config.remote, "fraction of events sent to another LP")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--lookahead", lookahead_s, "least delay, in model time units")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--mean", config.mean_delay_s, "mean delay, lookahead included (ROSS's --mean)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", config.seed, "seed of the LPs' random streams")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    config.end = sim::SimTime::from_seconds(end_s);
    config.lookahead = sim::SimTime::from_seconds(lookahead_s);
    bench::Phold model(config);
    // As many threads as asked for, even beyond the cores (oneTBB stops at the cores by default).
    const tbb::global_control parallelism(
        tbb::global_control::max_allowed_parallelism,
        std::max<std::size_t>(static_cast<std::size_t>(threads),
                              std::thread::hardware_concurrency()));
    const auto t0 = std::chrono::steady_clock::now();
    const sim::RunStats stats = scheduler == "windowed"
                                    ? sim::WindowedScheduler(threads).run(model, model.plan())
                                    : sim::SequentialScheduler{}.run(model, model.plan());
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("scheduler: {}\nthreads: {}\nlps: {}\npartitions: {}\nend: {}\nremote: {}\n",
               scheduler, scheduler == "windowed" ? threads : 1, config.lps, config.partitions,
               end_s, config.remote);
    fmt::print("lookahead: {}\nmean delay: {}\n", lookahead_s, config.mean_delay_s);
    fmt::print("committed events: {}\ndigest: {:016x}\n", model.committed(), model.digest());
    fmt::print("wall time: {:.6f} s\nevent rate: {:.0f} events/s\n", wall_s,
               static_cast<double>(model.committed()) / wall_s);
    if (stats.windows > 0)
      fmt::print("windows: {}\nevents per window: {:.1f} mean, {} max\nmerge time: {:.6f} s\n",
                 stats.windows, stats.mean_window_events(), stats.max_window_events,
                 static_cast<double>(stats.merge_ns) * 1e-9);
    fmt::print("barrier time: {:.6f} s\n", static_cast<double>(stats.barrier_ns) * 1e-9);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "wormsim_phold: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wormsim_phold: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
