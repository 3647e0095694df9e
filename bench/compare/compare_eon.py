#!/usr/bin/python3
"""Compares wormsim's contact-graph mode with EoN's fast_SIR on Barabasi-Albert graphs (README.md).

EoN (Epidemics on Networks, Kiss, Miller and Simon) is not part of this repository: pass the path
of a checkout made by its own instructions (the folder that holds the EoN package). Run with
Debian's /usr/bin/python3 and its python3-networkx, python3-scipy and python3-matplotlib (which EoN
imports).

Both sides run the SIR process with the same rates (tau 0.5 per edge, gamma 1, 0.1% of the nodes
infected at time 0, drawn uniformly) on a Barabasi-Albert graph with m = 3 and the same number of
nodes: networkx's barabasi_albert_graph for EoN, wormsim's as-powerlaw generator for wormsim (or,
with --same-graph, networkx's graph written as an edge list for both). It prints one line per
figure:

- the final size and the peak time over --runs runs at --nodes nodes: a two-sample
  Kolmogorov-Smirnov test of EoN's sample against wormsim's, with the critical distances at alpha
  0.05 and 0.001; the target is agreement at 0.05;
- the wall time of one run at --timing-nodes nodes, the median of --timing-runs runs each side,
  graph construction excluded from both, and the ratio; the target is wormsim at least 100 times
  faster.

Missed targets are reported, not failed. Exit status: 0 when everything ran, 2 on bad arguments or
a program that fails or prints nothing usable.
"""

import argparse
import csv
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

M = 3
TAU = 0.5
GAMMA = 1.0
RHO = 0.001
TARGET_SPEEDUP = 100.0
ALPHAS = (0.05, 0.001)


def fail(message):
    print(f"compare_eon: error: {message}", file=sys.stderr)
    sys.exit(2)


def progress(message):
    print(f"compare_eon: {message}", file=sys.stderr, flush=True)


def import_peer(eon_path):
    """EoN from the given checkout, with numpy, scipy and networkx: the modules, or exit 2."""
    path = Path(eon_path).resolve()
    if not (path / "EoN" / "__init__.py").is_file():
        fail(f"{eon_path}: no EoN package there (expected {path / 'EoN' / '__init__.py'}); pass the "
             "folder of an EoN checkout")
    sys.path.insert(0, str(path))
    try:
        import networkx
        import numpy
        import scipy.stats
        import EoN
    except ImportError as e:
        fail(f"{e}; run with /usr/bin/python3 and Debian's python3-networkx, python3-scipy and "
             "python3-matplotlib")
    if Path(EoN.__file__).resolve().parent != path / "EoN":
        fail(f"imported EoN from {EoN.__file__}, not from {path}")
    return EoN, networkx, numpy, scipy.stats


def git_commit(folder):
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def build_networkx_graph(networkx, nodes, graph_seed):
    """networkx's Barabasi-Albert graph and the seconds its construction took."""
    start = time.perf_counter()
    graph = networkx.barabasi_albert_graph(nodes, M, seed=graph_seed)
    return graph, time.perf_counter() - start


def write_edge_list(graph, path):
    """The graph as an edge list wormsim reads (two node numbers a line)."""
    with open(path, "w", encoding="ascii") as out:
        out.write(f"# networkx barabasi_albert_graph, {graph.number_of_nodes()} nodes, m = {M}\n")
        for u, v in graph.edges():
            out.write(f"{u}\t{v}\n")


def eon_run(EoN, numpy, graph, seed, run):
    """One fast_SIR run: (final size, peak time, peak infected, seconds of the call alone).

    Defined as wormsim defines them (models/contact): the final size is every node ever infected
    (R at the end, plus I if any is left), the peak time the first time I(t) reaches its maximum.
    EoN returns one entry per event, starting at time 0 after the initial infections, so that is
    the first index of the maximum."""
    rng = numpy.random.default_rng([seed, run])
    start = time.perf_counter()
    t, S, I, R = EoN.fast_SIR(graph, TAU, GAMMA, rho=RHO, rng=rng)
    seconds = time.perf_counter() - start
    peak = int(numpy.argmax(I))
    return int(R[-1] + I[-1]), float(t[peak]), int(I[peak]), seconds


def wormsim_runs(wormsim, graph_args, replications, seed, folder):
    """One wormsim contact invocation on one thread: its replications and its wall time."""
    command = [wormsim, "contact"] + graph_args + [
        "--tau", str(TAU), "--gamma", str(GAMMA), "--initial-fraction", str(RHO),
        "--replications", str(replications), "--threads", "1", "--seed", str(seed),
        "--output", str(folder)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as e:
        fail(f"cannot run {wormsim}: {e.strerror}")
    if done.returncode != 0:
        fail(f"{' '.join(command)} exited with status {done.returncode}:\n{done.stderr.strip()}")
    try:
        summary = json.loads((Path(folder) / "summary.json").read_text())
        run = json.loads((Path(folder) / "run.json").read_text())
        reps = summary["replications"]
        wall = float(run["wall_seconds"])
    except (OSError, ValueError, KeyError) as e:
        fail(f"{' '.join(command)} left no usable summary.json and run.json in {folder}: {e}")
    if len(reps) != replications:
        fail(f"{folder}/summary.json has {len(reps)} replications, expected {replications}")
    build = next((line for line in done.stdout.splitlines() if "built in" in line), "")
    return reps, wall, build, command


def critical_distance(alpha, n, m):
    """Asymptotic two-sample KS critical distance: c(alpha) sqrt((n + m) / (n m)), with
    c(alpha) = sqrt(-ln(alpha / 2) / 2) (1.358 at 0.05, 1.949 at 0.001)."""
    return math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n + m) / (n * m))


def ks_line(stats, name, eon_values, wormsim_values, nodes):
    result = stats.ks_2samp(eon_values, wormsim_values)
    n, m = len(eon_values), len(wormsim_values)
    critical = {alpha: critical_distance(alpha, n, m) for alpha in ALPHAS}
    verdicts = ", ".join(
        f"{'pass' if result.statistic < critical[alpha] else 'FAIL'} at {alpha:g}"
        for alpha in ALPHAS)
    print(f"{name} at {nodes} nodes, {n} EoN runs vs {m} wormsim runs: EoN mean "
          f"{statistics.fmean(eon_values):.6g} (sd {statistics.stdev(eon_values):.3g}), wormsim "
          f"mean {statistics.fmean(wormsim_values):.6g} (sd {statistics.stdev(wormsim_values):.3g}); "
          f"KS D = {result.statistic:.3f}, p = {result.pvalue:.3g}, critical D "
          f"{critical[0.05]:.3f} at 0.05 and {critical[0.001]:.3f} at 0.001: {verdicts} "
          f"(target: agree at 0.05)", flush=True)
    return result.statistic < critical[0.05]


def seconds_list(values):
    return ", ".join(f"{v:.3g}" for v in values)


def main():
    default_wormsim = Path(__file__).resolve().parents[2] / "build/release/app/wormsim"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("eon_path", help="folder of an EoN checkout (the one holding the EoN "
                        "package), made by EoN's own instructions outside this repository")
    parser.add_argument("--wormsim", default=str(default_wormsim),
                        help="path of the wormsim executable (default: the release build's)")
    parser.add_argument("--nodes", type=int, default=100_000,
                        help="nodes of the graph of the distribution test (default 100000)")
    parser.add_argument("--runs", type=int, default=100,
                        help="runs each side in the distribution test (default 100)")
    parser.add_argument("--timing-nodes", type=int, default=1_000_000,
                        help="nodes of the graph of the wall-time test (default 1000000)")
    parser.add_argument("--timing-runs", type=int, default=3,
                        help="timed runs each side, of which the median is taken (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="simulation seed of both sides")
    parser.add_argument("--graph-seed", type=int, default=1, help="seed of both graph generators")
    parser.add_argument("--same-graph", action="store_true",
                        help="run wormsim on networkx's graph (written as an edge list) instead of "
                        "its own generator's, so that only the simulators differ")
    parser.add_argument("--skip-distributions", action="store_true",
                        help="run the wall-time test only")
    parser.add_argument("--skip-timing", action="store_true",
                        help="run the distribution test only")
    parser.add_argument("--samples-csv", help="write every run's figures (both sides) to this file")
    args = parser.parse_args()
    if args.runs < 2 or args.timing_runs < 1 or args.nodes <= M or args.timing_nodes <= M:
        fail("--runs must be at least 2, --timing-runs at least 1 and the node counts above m = 3")
    if not Path(args.wormsim).is_file():
        fail(f"{args.wormsim}: no such file (build wormsim, or pass --wormsim)")
    EoN, networkx, numpy, stats = import_peer(args.eon_path)

    commit = git_commit(args.eon_path)
    print(f"EoN {EoN.__version__} from {Path(EoN.__file__).parent}"
          f"{f' (commit {commit})' if commit else ''}; networkx {networkx.__version__}, numpy "
          f"{numpy.__version__}; Python {sys.version.split()[0]}")
    print(f"SIR with tau {TAU}, gamma {GAMMA}, initial fraction {RHO}; Barabasi-Albert graphs with "
          f"m = {M}, graph seed {args.graph_seed}: "
          + ("networkx's barabasi_albert_graph for both sides (--same-graph)" if args.same_graph
             else "networkx's barabasi_albert_graph for EoN, wormsim's as-powerlaw for wormsim "
             "(different generators and so different graphs, the same model and size)"),
          flush=True)
    samples = []

    with tempfile.TemporaryDirectory(prefix="compare_eon.") as scratch:
        def graph_for(nodes):
            graph, seconds = build_networkx_graph(networkx, nodes, args.graph_seed)
            progress(f"networkx graph of {nodes} nodes built in {seconds:.2f} s (not timed below)")
            if args.same_graph:
                path = Path(scratch) / f"ba-{nodes}.txt"
                write_edge_list(graph, path)
                return graph, seconds, ["--graph", str(path)]
            return graph, seconds, ["--graph", "as-powerlaw", "--nodes", str(nodes), "--param",
                                    f"m={M}", "--graph-seed", str(args.graph_seed)]

        if not args.skip_distributions:
            graph, built, graph_args = graph_for(args.nodes)
            reps, wall, build, command = wormsim_runs(args.wormsim, graph_args, args.runs,
                                                      args.seed, Path(scratch) / "dist")
            print(f"wormsim: {' '.join(command[1:])}")
            print(f"  {build.strip()}; {args.runs} runs in {wall:.3f} s")
            eon = []
            for run in range(args.runs):
                eon.append(eon_run(EoN, numpy, graph, args.seed, run))
                if (run + 1) % 10 == 0 or run + 1 == args.runs:
                    progress(f"EoN at {args.nodes} nodes: {run + 1} of {args.runs} runs")
            print(f"EoN: fast_SIR on networkx's graph of {graph.number_of_nodes()} nodes, "
                  f"{graph.number_of_edges()} edges (built in {built:.2f} s), {args.runs} runs in "
                  f"{sum(r[3] for r in eon):.1f} s")
            del graph
            for index, r in enumerate(eon):
                samples.append(("EoN", args.nodes, index, r[0], r[1], r[2], r[3]))
            for r in reps:
                samples.append(("wormsim", args.nodes, r["replication"], r["final_size"],
                                r["peak_time"], r["peak_infected"], ""))
            ks_line(stats, "final size", [r[0] for r in eon], [r["final_size"] for r in reps],
                    args.nodes)
            ks_line(stats, "peak time", [r[1] for r in eon], [r["peak_time"] for r in reps],
                    args.nodes)
            eon_median = statistics.median(r[3] for r in eon)
            print(f"wall time of one run at {args.nodes} nodes (graph construction excluded): EoN "
                  f"median {eon_median:.3g} s, wormsim mean {wall / args.runs:.3g} s: "
                  f"{eon_median / (wall / args.runs):.0f}x (for information)", flush=True)

        if not args.skip_timing:
            graph, built, graph_args = graph_for(args.timing_nodes)
            walls = []
            for k in range(args.timing_runs):
                _, wall, build, command = wormsim_runs(args.wormsim, graph_args, 1, args.seed + k,
                                                       Path(scratch) / f"time{k}")
                walls.append(wall)
            print(f"wormsim: {' '.join(command[1:-4])} --seed {args.seed}..."
                  f"{args.seed + args.timing_runs - 1} (one run per invocation)")
            print(f"  {build.strip()}")
            eon_walls = []
            for k in range(args.timing_runs):
                result = eon_run(EoN, numpy, graph, args.seed, k)
                eon_walls.append(result[3])
                samples.append(("EoN", args.timing_nodes, k, result[0], result[1], result[2],
                                result[3]))
                progress(f"EoN at {args.timing_nodes} nodes: run {k + 1} of {args.timing_runs} in "
                         f"{result[3]:.1f} s, final size {result[0]}")
            print(f"EoN: fast_SIR on networkx's graph of {graph.number_of_nodes()} nodes, "
                  f"{graph.number_of_edges()} edges (built in {built:.1f} s)")
            del graph
            eon_median = statistics.median(eon_walls)
            wormsim_median = statistics.median(walls)
            ratio = eon_median / wormsim_median
            print(f"wall time of one run at {args.timing_nodes} nodes, median of "
                  f"{args.timing_runs} (graph construction excluded): EoN {eon_median:.3g} s "
                  f"(runs: {seconds_list(eon_walls)}), wormsim {wormsim_median:.3g} s (runs: "
                  f"{seconds_list(walls)}): {ratio:.0f}x "
                  f"({'meets' if ratio >= TARGET_SPEEDUP else 'misses'} the target of "
                  f"{TARGET_SPEEDUP:g}x)", flush=True)

    if args.samples_csv:
        try:
            with open(args.samples_csv, "w", newline="", encoding="ascii") as out:
                writer = csv.writer(out)
                writer.writerow(["simulator", "nodes", "run", "final_size", "peak_time",
                                 "peak_infected", "call_seconds"])
                writer.writerows(samples)
        except OSError as e:
            fail(f"cannot write {args.samples_csv}: {e.strerror}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
