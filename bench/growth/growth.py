#!/usr/bin/python3
"""Measures how `wormsim run` grows as one factor of the default scenario grows (README.md).

The default scenario is scenarios/codered/codered-v2-2001-07-19.toml: Code Red v2, 2^32
addresses, 252,000 + 108,000 vulnerable hosts, 24 simulated hours, seed 1. Each factor is varied
alone, the others kept at the default's values:

- address: the scanned space, 2^20, 2^22, ..., 2^32 addresses, with 360,000 hosts throughout;
- population: 10^4, 10^4.5, ..., 10^7 vulnerable hosts in the full 2^32 space;
- time: the simulated duration, 1h, 3h, 6h, 12h, 24h, 3d, 7d.

Every run is `wormsim run FILE --set ... --threads 1 --no-progress --out DIR` under
`/usr/bin/time -f "%e %M"`, every point first checked with `wormsim validate`. Per point it takes
the median over --repeat runs of the run's wall time (run.json "wall_seconds": building the world
and simulating, without process start-up, reading the scenario or writing the outputs), of the
whole process time and of the peak resident set size; the events (run.json) and the infected
total (summary.json) do not depend on the run and are checked to agree between repeats. It prints
a Markdown table per factor and the fitted exponents: the least-squares slope of log(wall time)
and of log(peak memory) against log(factor), over all the points and over the upper half (the
largest ceil(n/2) values), since fixed costs flatten the small end.

Exit status: 0 when every run ran, 1 when repeats disagree on events or infected hosts, 2 on bad
arguments or a run that fails or leaves nothing usable.
"""

import argparse
import datetime
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "codered" / "codered-v2-2001-07-19.toml"

# The default scenario's populations, in file order (population.0 and population.1).
POPULATIONS = (252_000, 108_000)
DEFAULT_HOSTS = sum(POPULATIONS)
MEAN_PER_BLOCK = 35  # hosts per /16, as in the file
# Its allocated_blocks = "iana-2001": 124 /8s, so 124 * 256 blocks of /16 may hold hosts.
IANA_2001_SLASH16 = 124 * 256

ADDRESS_BITS = (20, 22, 24, 26, 28, 30, 32)
POPULATION_EXPONENTS = (4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0)
DURATIONS = ("1h", "3h", "6h", "12h", "24h", "3d", "7d")

QUICK_ADDRESS_BITS = (28, 30, 32)
QUICK_POPULATION_EXPONENTS = (4.0, 4.5, 5.0)
QUICK_DURATIONS = ("1h", "3h", "6h")

FACTORS = ("address", "population", "time")
TITLES = {
    "address": "Address space (360,000 hosts, 24 h)",
    "population": "Population (2^32 addresses, 24 h)",
    "time": "Simulated time (2^32 addresses, 360,000 hosts)",
}
VALUE_HEADERS = {"address": "addresses", "population": "hosts", "time": "simulated"}


def fail(message):
    print(f"growth: error: {message}", file=sys.stderr)
    sys.exit(2)


def progress(message):
    print(f"growth: {message}", file=sys.stderr, flush=True)


def git_describe(folder):
    try:
        done = subprocess.run(["git", "-C", str(folder), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def with_commas(n):
    return f"{n:,}"


def mean_for(count, blocks):
    """The default's 35 hosts per /16 when count fits in the blocks at that mean; else the least
    whole mean that fits (so a population uses every block it may)."""
    return max(MEAN_PER_BLOCK, math.ceil(count / blocks))


def split(hosts):
    """hosts divided between the two populations in the default's proportion (252:108)."""
    first = round(hosts * POPULATIONS[0] / DEFAULT_HOSTS)
    return first, hosts - first


# A point: the factor's value (a number, for the fit), its label and the --set overrides.

def address_point(bits):
    if bits == 32:
        # The default scenario itself: hosts in the /8s allocated in July 2001.
        return {"value": 2.0 ** bits, "label": f"2^{bits}", "sets": []}
    length = 32 - bits
    slash16s = 2 ** (16 - length)  # blocks of /16 in the prefix
    sets = [f"address_space.prefix=0.0.0.0/{length}", "address_space.allocated_blocks=all"]
    for i, count in enumerate(POPULATIONS):
        mean = mean_for(count, slash16s)
        if mean != MEAN_PER_BLOCK:
            sets.append(f"population.{i}.placement.mean_per_block={mean}")
    return {"value": 2.0 ** bits, "label": f"2^{bits}", "sets": sets}


def population_point(exponent):
    hosts = round(10 ** exponent)
    sets = []
    for i, count in enumerate(split(hosts)):
        sets.append(f"population.{i}.count={count}")
        mean = mean_for(count, IANA_2001_SLASH16)
        if mean != MEAN_PER_BLOCK:
            sets.append(f"population.{i}.placement.mean_per_block={mean}")
    label = f"10^{exponent:g} = {with_commas(hosts)}"
    return {"value": float(hosts), "label": label, "sets": sets}


def duration_seconds(text):
    units = {"h": 3600, "d": 86400}
    return float(text[:-1]) * units[text[-1]]


def time_point(duration):
    return {"value": duration_seconds(duration), "label": duration,
            "sets": [f"simulation.duration={duration}"]}


def points_for(factor, quick, max_population):
    if factor == "address":
        return [address_point(b) for b in (QUICK_ADDRESS_BITS if quick else ADDRESS_BITS)]
    if factor == "population":
        exponents = QUICK_POPULATION_EXPONENTS if quick else POPULATION_EXPONENTS
        points = [population_point(e) for e in exponents]
        if max_population is not None:
            points = [p for p in points if p["value"] <= max_population]
        return points
    return [time_point(d) for d in (QUICK_DURATIONS if quick else DURATIONS)]


def set_args(sets):
    args = []
    for s in sets:
        args += ["--set", s]
    return args


def validate(wormsim, point):
    command = [wormsim, "validate", str(SCENARIO)] + set_args(point["sets"])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        fail(f"{point['label']}: the scenario with {' '.join(point['sets']) or 'no overrides'} "
             f"does not validate:\n{done.stdout}{done.stderr}")


def run_once(wormsim, point, scratch):
    """One run: wall seconds (run.json), process seconds and peak KiB (/usr/bin/time), events,
    infected total."""
    out = scratch / "out"
    if out.exists():
        shutil.rmtree(out)
    timing = scratch / "time.txt"
    command = (["/usr/bin/time", "-o", str(timing), "-f", "%e %M", wormsim, "run", str(SCENARIO)]
               + set_args(point["sets"])
               + ["--threads", "1", "--no-progress", "--out", str(out)])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        fail(f"{point['label']}: {' '.join(command)} exited with {done.returncode}:\n"
             f"{done.stderr[-4000:]}")
    try:
        # The last line: /usr/bin/time writes a note above it when the program fails.
        process_s, peak_kib = timing.read_text().strip().splitlines()[-1].split()
        run = json.loads((out / "run.json").read_text())
        summary = json.loads((out / "summary.json").read_text())
        return {
            "wall_s": float(run["wall_seconds"]),
            "process_s": float(process_s),
            "peak_kib": int(peak_kib),
            "events": int(run["events"]),
            "infected": int(summary["replications"][0]["infected_total"]),
        }
    except (OSError, ValueError, KeyError, IndexError) as e:
        fail(f"{point['label']}: nothing usable in the outputs of {' '.join(command)}: {e}")


def measure(wormsim, point, repeat, scratch):
    runs = []
    for r in range(repeat):
        runs.append(run_once(wormsim, point, scratch))
        progress(f"  {point['label']}: run {r + 1}/{repeat}: {runs[-1]['wall_s']:.3f} s, "
                 f"{with_commas(runs[-1]['events'])} events, {runs[-1]['peak_kib'] / 1024:.0f} MiB")
    agree = all(x["events"] == runs[0]["events"] and x["infected"] == runs[0]["infected"]
                for x in runs)
    return {
        "label": point["label"],
        "value": point["value"],
        "sets": point["sets"],
        "runs": runs,
        "agree": agree,
        "wall_s": statistics.median(x["wall_s"] for x in runs),
        "process_s": statistics.median(x["process_s"] for x in runs),
        "peak_mb": statistics.median(x["peak_kib"] for x in runs) * 1024 / 1e6,
        "events": runs[0]["events"],
        "infected": runs[0]["infected"],
    }


def slope(xs, ys):
    """Least-squares slope of log(y) against log(x); None with fewer than two usable points or
    no spread in x."""
    pairs = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x > 0 and y > 0]
    if len(pairs) < 2:
        return None
    mx = statistics.fmean(p[0] for p in pairs)
    my = statistics.fmean(p[1] for p in pairs)
    sxx = sum((p[0] - mx) ** 2 for p in pairs)
    if sxx == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in pairs) / sxx


def exponents(rows, key):
    xs = [r["value"] for r in rows]
    ys = [r[key] for r in rows]
    upper = (len(rows) + 1) // 2
    return slope(xs, ys), slope(xs[-upper:], ys[-upper:]), upper


def number(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


def print_factor(factor, rows, repeat):
    rows = sorted(rows, key=lambda r: r["value"])
    print(f"### {TITLES[factor]}")
    print()
    print(f"| {VALUE_HEADERS[factor]} | wall s | process s | events | events/s | peak MB | "
          "infected |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        rate = r["events"] / r["wall_s"] if r["wall_s"] > 0 else float("nan")
        print(f"| {r['label']} | {r['wall_s']:.3f} | {r['process_s']:.2f} | "
              f"{with_commas(r['events'])} | {rate / 1e6:.2f} M | {r['peak_mb']:.0f} | "
              f"{with_commas(r['infected'])} |")
    print()
    n = len(rows)
    for name, key in (("wall time", "wall_s"), ("peak memory", "peak_mb")):
        every, top, upper = exponents(rows, key)
        top_text = (f"{number(top)} over the upper {upper} ({rows[-upper]['label']} to "
                    f"{rows[-1]['label']})") if upper >= 2 else "n/a over the upper half"
        print(f"- exponent of {name}: {number(every)} over all {n} points; {top_text}")
    print(f"- medians of {repeat} run{'s' if repeat != 1 else ''} per point; wall s from "
          "run.json, process s and peak MB (10^6 bytes) from /usr/bin/time")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wormsim", default=str(REPO / "build" / "release" / "app" / "wormsim"),
                        help="the wormsim executable (default: build/release/app/wormsim)")
    parser.add_argument("--factor", choices=FACTORS + ("all",), default="all",
                        help="the factor to vary (default: all three, one after the other)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per point; the table shows their medians (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help="three small points per factor, a smoke check of a few seconds")
    parser.add_argument("--max-population", type=float, metavar="HOSTS",
                        help="leave out population points above HOSTS (e.g. 1e6)")
    parser.add_argument("--json", metavar="FILE", help="also write every run's figures to FILE")
    parser.add_argument("--list", action="store_true",
                        help="validate the points and print their overrides; run nothing")
    args = parser.parse_args()
    if args.repeat < 1:
        fail("--repeat must be at least 1")
    wormsim = shutil.which(args.wormsim) or args.wormsim
    if not os.access(wormsim, os.X_OK):
        fail(f"{args.wormsim}: not an executable (build it with cmake --build --preset release)")
    wormsim = str(Path(wormsim).resolve())
    if not os.access("/usr/bin/time", os.X_OK):
        fail("/usr/bin/time is missing (Debian: apt-get install time)")
    if not SCENARIO.is_file():
        fail(f"{SCENARIO}: the default scenario is missing")

    factors = FACTORS if args.factor == "all" else (args.factor,)
    plan = {f: points_for(f, args.quick, args.max_population) for f in factors}
    for f, points in plan.items():
        if not points:
            fail(f"no {f} points left to run")
        for p in points:
            validate(wormsim, p)
    if args.list:
        for f, points in plan.items():
            print(f"{f}:")
            for p in points:
                sets = " ".join(set_args(p["sets"])) or "(the default scenario)"
                print(f"  {p['label']}: {sets}")
        return 0

    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    results = {}
    with tempfile.TemporaryDirectory(prefix="wormsim-growth-") as tmp:
        scratch = Path(tmp)
        for f, points in plan.items():
            progress(f"{f}: {len(points)} points")
            results[f] = [measure(wormsim, p, args.repeat, scratch) for p in points]
    load_after = os.getloadavg()

    commit = git_describe(REPO) or "unknown"
    built = datetime.datetime.fromtimestamp(os.stat(wormsim).st_mtime, datetime.timezone.utc)
    shown = Path(wormsim)
    if shown.is_relative_to(REPO):
        shown = shown.relative_to(REPO)
    quick = "; --quick" if args.quick else ""
    print("## wormsim run growth around the default scenario")
    print()
    print(f"Source tree {commit}; {shown} built {built:%Y-%m-%d %H:%M} UTC; run "
          f"{started:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, --threads 1; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after{quick}.")
    print()
    for f in factors:
        print_factor(f, results[f], args.repeat)

    if args.json:
        record = {
            "commit": commit,
            "wormsim": wormsim,
            "wormsim_built_utc": built.isoformat(timespec="seconds"),
            "started_utc": started.isoformat(timespec="seconds"),
            "cores": os.cpu_count(),
            "load_average": [load_before[0], load_after[0]],
            "repeat": args.repeat,
            "quick": args.quick,
            "scenario": str(SCENARIO.relative_to(REPO)),
            "factors": {},
        }
        for f in factors:
            rows = sorted(results[f], key=lambda r: r["value"])
            record["factors"][f] = {"points": rows}
            for key in ("wall_s", "peak_mb"):
                every, top, upper = exponents(rows, key)
                record["factors"][f][f"exponent_{key}"] = {"all": every, "upper_half": top,
                                                           "upper_points": upper}
        Path(args.json).write_text(json.dumps(record, indent=1) + "\n")

    disagree = [f"{f} {r['label']}" for f in factors for r in results[f] if not r["agree"]]
    if disagree:
        print(f"growth: repeats disagree on events or infected hosts at: {', '.join(disagree)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
