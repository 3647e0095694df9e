// wormsim contact: the contact-graph mode. A worm spreads from node to neighbouring node of a
// generated or imported topology (SIR: transmission rate tau per edge, patch rate gamma per node),
// simulated exactly by models/contact, replications side by side on oneTBB; writes curves.csv,
// summary.json and run.json. Bad input (an unknown graph, a negative rate, a fraction outside
// [0, 1]) exits 2 with a message, as the other commands do.
#include <fmt/format.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "analysis/statistics.hpp"
#include "analysis/write/contact_outputs.hpp"
#include "analysis/write/outputs.hpp"
#include "app/commands/commands.hpp"
#include "app/commands/options.hpp"
#include "models/contact/contact_epidemic.hpp"
#include "models/registry.hpp"
#include "net/as_graph.hpp"
#include "net/generators.hpp"
#include "net/graphml.hpp"
#include "net/input_error.hpp"
#include "net/topology.hpp"

namespace wormsim::app {

namespace {

struct ContactOptions {
  std::string graph;
  std::optional<std::uint64_t> nodes;
  std::vector<std::string> params;
  std::optional<std::uint64_t> graph_seed;
  double tau = 0.5;
  double gamma = 1.0;
  std::optional<double> initial_fraction;
  std::optional<std::uint64_t> initial;
  std::uint64_t seed = 1;
  std::uint32_t replications = 1;
  unsigned threads = 0;
  double sample_every = 0.1;
  std::string output = "wormsim-contact";
};

[[noreturn]] void usage(const std::string& message) {
  throw net::InputError(fmt::format("wormsim contact: error: {}\n", message));
}

struct LoadedGraph {
  models::ContactGraph graph;
  std::string origin;
  std::optional<std::uint64_t> seed;
  std::vector<std::pair<std::string, std::string>> parameters;
};

bool is_graphml(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".graphml" || ext == ".xml";
}

/// A generator by name (as-powerlaw straight to its links, the others through their topology),
/// else a GraphML file (.graphml, .xml) or an AS edge list (any other file).
LoadedGraph load_graph(const ContactOptions& o) {
  std::vector<std::string> names;
  for (const auto& g : net::generators()) names.push_back(g.name);
  LoadedGraph loaded;
  if (std::find(names.begin(), names.end(), o.graph) != names.end()) {
    const auto settings = parse_params(o.params, "contact");
    loaded.seed = o.graph_seed.value_or(1);
    if (o.graph == "as-powerlaw") {
      // The same parameters, checks and links as net::generate_as_powerlaw, without building a
      // topology of named nodes: 10^6 nodes in a fraction of a second.
      auto [params, used] = net::as_powerlaw_params(settings, o.nodes);
      loaded.graph = models::ContactGraph::from_edges(params.nodes,
                                                      net::as_powerlaw_links(params, *loaded.seed));
      loaded.origin = "generated as-powerlaw";
      loaded.parameters = std::move(used);
    } else {
      const net::Topology t = net::generate(o.graph, *loaded.seed, settings, o.nodes);
      loaded.graph = models::ContactGraph::from_topology(t);
      loaded.origin = t.info.origin;
      loaded.parameters = t.info.parameters;
    }
    return loaded;
  }
  if (o.nodes || !o.params.empty() || o.graph_seed)
    usage(fmt::format(
        "--nodes, --param and --graph-seed apply to the generators ({}) only, and \"{}\" is not "
        "one of them",
        fmt::join(names, ", "), o.graph));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.graph, ec)) {
    std::string msg = fmt::format(
        "--graph: expected a generator ({}) or a topology file (GraphML, or an AS edge list), got "
        "\"{}\", which is neither",
        fmt::join(names, ", "), o.graph);
    if (auto near = models::nearest(o.graph, names))
      msg += fmt::format("; did you mean \"{}\"?", *near);
    usage(msg);
  }
  net::Topology t;
  if (is_graphml(o.graph)) {
    // The graph as the file draws it: no node for the rest of the Internet is added (a worm
    // spreading from neighbour to neighbour has no use for one).
    net::GraphmlOptions options;
    options.internet.reset();
    t = net::read_graphml(o.graph, options);
  } else {
    t = net::read_as_graph(o.graph);
  }
  loaded.graph = models::ContactGraph::from_topology(t);
  loaded.origin = t.info.origin;
  return loaded;
}

void check_options(const ContactOptions& o) {
  if (!std::isfinite(o.tau) || o.tau < 0)
    usage(fmt::format("--tau: expected a transmission rate of 0 or more, got {}", o.tau));
  if (!std::isfinite(o.gamma) || o.gamma < 0)
    usage(fmt::format("--gamma: expected a recovery rate of 0 or more, got {}", o.gamma));
  if (o.initial_fraction && o.initial)
    usage("give the initial infections as --initial N or --initial-fraction F, not both");
  if (o.initial_fraction && !(*o.initial_fraction >= 0.0 && *o.initial_fraction <= 1.0))
    usage(fmt::format("--initial-fraction: expected a fraction from 0 to 1, got {}",
                      *o.initial_fraction));
  if (!std::isfinite(o.sample_every) || o.sample_every <= 0)
    usage(fmt::format("--sample-every: expected a positive time step, got {}", o.sample_every));
}

std::string interval(const std::vector<std::optional<double>>& values, const char* format) {
  const auto e = analysis::estimate(values);
  if (!e) return "-";
  const auto f = [format](double v) { return fmt::format(fmt::runtime(format), v); };
  if (e->n < 2) return f(e->mean);
  return fmt::format("{} [{}, {}]", f(e->mean), f(e->ci_low), f(e->ci_high));
}

void print_summary(const analysis::ContactRunInfo& info,
                   const std::vector<models::ContactRunResult>& runs, double build_seconds,
                   double wall, unsigned threads, const std::filesystem::path& out) {
  fmt::print("contact SIR on {} ({}): {} nodes, {} edges, built in {:.3f} s\n", info.graph,
             info.graph_origin, info.nodes, info.edges, build_seconds);
  fmt::print("  tau {}, gamma {}, {} initially infected, seed {}, {} replication{}\n",
             info.transmission_rate, info.recovery_rate, info.initial_infected, info.seed,
             runs.size(), runs.size() == 1 ? "" : "s");
  std::vector<std::optional<double>> size, fraction, peak, peak_time;
  for (const auto& r : runs) {
    size.push_back(static_cast<double>(r.final_size));
    fraction.push_back(r.nodes == 0 ? 0.0
                                    : 100.0 * static_cast<double>(r.final_size) /
                                          static_cast<double>(r.nodes));
    peak.push_back(static_cast<double>(r.peak_infected));
    peak_time.push_back(r.peak_time);
  }
  const char* mean_note = runs.size() > 1 ? " (mean [95% interval])" : "";
  fmt::print("  final size            {} nodes{}\n", interval(size, "{:.1f}"), mean_note);
  fmt::print("  final share           {} %\n", interval(fraction, "{:.2f}"));
  fmt::print("  peak infected         {} nodes\n", interval(peak, "{:.1f}"));
  fmt::print("  peak time             {}\n", interval(peak_time, "{:.4g}"));
  fmt::print(
      "  wall time             {:.3f} s for the runs ({:.1f} runs/s, {} thread{}), graph "
      "construction excluded\n",
      wall, wall > 0 ? static_cast<double>(runs.size()) / wall : 0.0, threads,
      threads == 1 ? "" : "s");
  fmt::print("outputs in {}/ (curves.csv, summary.json, run.json)\n", out.string());
}

int run_contact(const ContactOptions& o, const std::string& command_line) {
  check_options(o);
  const auto t0 = std::chrono::steady_clock::now();
  const LoadedGraph loaded = load_graph(o);
#if defined(__GLIBC__)
  // An imported file is read into a net::Topology of millions of small allocations (names,
  // adjacency lists), freed when load_graph returns. glibc merges such freed chunks only at the
  // next large allocation, which is the first replication's: 0.2 s of a 0.25 s run at 10^6 nodes,
  // measured as simulation. Merge them here, as the last step of building the graph.
  malloc_trim(0);
#endif
  const double build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const models::ContactGraph& graph = loaded.graph;

  std::uint64_t initial = o.initial.value_or(1);
  if (o.initial_fraction)
    // Rounded to the nearest whole number, halves to even, as EoN's rho does with Python's round.
    initial = static_cast<std::uint64_t>(
        std::nearbyint(*o.initial_fraction * static_cast<double>(graph.node_count())));
  if (initial > graph.node_count())
    usage(fmt::format("--initial: expected at most the graph's {} nodes, got {}",
                      graph.node_count(), initial));

  models::ContactSettings settings;
  settings.rates.transmission = o.tau;
  settings.rates.recovery = o.gamma;
  settings.seed = o.seed;
  settings.initial_infected = static_cast<std::uint32_t>(initial);
  settings.sample_every = o.sample_every;
  const models::ContactEpidemic epidemic(graph, settings);

  const std::filesystem::path out(o.output);
  create_output_folder(out);

  const unsigned threads = worker_threads(o.threads);
  std::vector<models::ContactRunResult> runs(o.replications);
  const auto t1 = std::chrono::steady_clock::now();
  try {
    if (threads == 1 || o.replications == 1) {
      models::ContactWorkspace workspace;
      for (std::uint32_t r = 0; r < o.replications; ++r) runs[r] = epidemic.run(r, workspace);
    } else {
      // Each replication depends on (seed, replication) only and lands at its own index, so the
      // outputs are the same for any number of threads.
      tbb::enumerable_thread_specific<models::ContactWorkspace> workspaces;
      tbb::task_arena arena(static_cast<int>(threads));
      arena.execute([&] {
        tbb::parallel_for(std::uint32_t{0}, o.replications,
                          [&](std::uint32_t r) { runs[r] = epidemic.run(r, workspaces.local()); });
      });
    }
  } catch (const std::invalid_argument& e) {
    // The settings were checked above; what a run can still refuse is a --sample-every far too
    // short for how long the epidemic lasted.
    std::string what = e.what();
    if (const std::string prefix = "ContactEpidemic: "; what.rfind(prefix, 0) == 0)
      what.erase(0, prefix.size());
    usage(fmt::format("--sample-every: {}", what));
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();

  analysis::ContactRunInfo info;
  info.graph = o.graph;
  info.graph_origin = loaded.origin;
  info.graph_seed = loaded.seed;
  info.graph_parameters = loaded.parameters;
  info.nodes = graph.node_count();
  info.edges = graph.edge_count();
  info.transmission_rate = o.tau;
  info.recovery_rate = o.gamma;
  info.initial_fraction = o.initial_fraction;
  info.initial_infected = static_cast<std::uint32_t>(initial);
  info.seed = o.seed;
  info.replications = o.replications;
  info.sample_every = o.sample_every;
  analysis::write_contact_curves_csv(out / "curves.csv", runs);
  analysis::write_contact_summary_json(out / "summary.json", info, runs, WORMSIM_VERSION);
  std::uint64_t events = 0;
  for (const auto& r : runs) events += r.final_size + (r.final_size - r.infected_at_end);
  analysis::write_run_json(
      out / "run.json", {WORMSIM_VERSION, command_line, o.graph, threads,
                         threads == 1 ? "sequential" : "replications in parallel", wall, events});
  print_summary(info, runs, build_seconds, wall, threads, out);
  return kExitOk;
}

}  // namespace

Action add_contact_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<ContactOptions>();
  CLI::App* cmd = app.add_subcommand(
      "contact",
      "Contact-graph mode: a worm spreads to neighbours in a topology (SIR, exact in "
      "distribution)");
  cmd->add_option("--graph", o->graph,
                  "A generator (transit-stub, as-powerlaw, campus) or a topology file: GraphML "
                  "(.graphml, .xml) or an AS edge list (any other name)")
      ->required();
  cmd->add_option("--nodes", o->nodes,
                  "Generators: node count (as-powerlaw's nodes; transit-stub: at least this "
                  "many; campus: exactly this many)");
  cmd->add_option("--param", o->params,
                  "Generator parameter KEY=VALUE, repeatable (wormsim topo --list-generators)")
      ->allow_extra_args(false);
  cmd->add_option("--graph-seed", o->graph_seed, "Seed of the generator (default 1)");
  cmd->add_option("--tau", o->tau,
                  "Transmission rate along each edge, each way, per unit time (0 or more)")
      ->capture_default_str();
  cmd->add_option("--gamma", o->gamma,
                  "Recovery (patch) rate of each infected node per unit time (0 or more; 0: "
                  "never)")
      ->capture_default_str();
  cmd->add_option("--initial-fraction", o->initial_fraction,
                  "Share of the nodes infected at time 0, drawn uniformly (rounded to a count)");
  cmd->add_option("--initial", o->initial, "Number of nodes infected at time 0 (default 1)");
  cmd->add_option("--seed", o->seed, "Seed of the simulation's random streams")
      ->capture_default_str();
  cmd->add_option("--replications", o->replications, "Number of replications")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  cmd->add_option("--threads", o->threads,
                  "Worker threads for replications (0: every core); outputs do not depend on it")
      ->check(CLI::Range(0u, 1024u));
  cmd->add_option("--sample-every", o->sample_every,
                  "Time between rows of curves.csv, in the rates' unit of time (with gamma = 1, "
                  "the mean time to recovery)")
      ->capture_default_str();
  cmd->add_option("--output,--out", o->output, "Output folder")->capture_default_str();
  return [o, command_line]() {
    try {
      return run_contact(*o, command_line);
    } catch (const net::InputError& e) {
      std::fflush(stdout);
      std::fputs(e.what(), stderr);
      return kExitBadInput;
    }
  };
}

}  // namespace wormsim::app
