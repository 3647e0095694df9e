#!/usr/bin/env python3
"""Compares wormsim's engine with ROSS on PHOLD, ROSS's own settings (see README.md here).

Runs ROSS's phold on its sequential engine and wormsim_phold on the sequential scheduler and on
the windowed one, each several times, takes the median event rate of each, and prints the ratios
against the targets: wormsim sequential at least 15 times ROSS sequential, the windowed scheduler
on 2 threads at least 1.6 times wormsim sequential. Also runs the windowed scheduler on 1, 2 and
4 threads once each and checks that the committed events and their digest match the sequential
run's. Python 3 standard library only.

Exit status: 0 when everything ran and the event counts match (missed targets are reported, not
failed), 1 when the counts differ, 2 on bad arguments or a program that fails or prints nothing
usable.
"""

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROSS_ARGS = ["--synch=1", "--nlp=16384", "--start-events=1", "--end=1000", "--lookahead=0.1",
             "--remote=0.25"]
TARGET_SEQUENTIAL_OVER_ROSS = 15.0
TARGET_WINDOWED_OVER_SEQUENTIAL = 1.6


def fail(message):
    print(f"compare_ross: error: {message}", file=sys.stderr)
    sys.exit(2)


def run(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as e:
        fail(f"cannot run {command[0]}: {e.strerror}")
    if done.returncode != 0:
        fail(f"{' '.join(command)} exited with status {done.returncode}:\n{done.stderr.strip()}")
    return done.stdout


def ross_run(ross):
    """One run of ROSS's phold: (committed events, events per second)."""
    out = run([ross] + ROSS_ARGS)
    events = re.search(r"Net Events Processed\s+(\d+)", out)
    rate = re.search(r"Event Rate \(events/sec\)\s+([0-9.]+)", out)
    seconds = re.search(r"Running Time = ([0-9.]+) seconds", out)
    if not events or not (rate or seconds):
        fail(f"{ross} printed no 'Net Events Processed' and event rate or running time")
    committed = int(events.group(1))
    per_second = float(rate.group(1)) if rate else committed / float(seconds.group(1))
    return committed, per_second


def wormsim_run(phold, scheduler, threads, extra):
    """One run of wormsim_phold: its 'key: value' lines as a dict."""
    out = run([phold, "--scheduler", scheduler, "--threads", str(threads)] + extra)
    fields = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    for key in ("committed events", "digest", "event rate"):
        if key not in fields:
            fail(f"{phold} printed no '{key}'")
    return {
        "committed": int(fields["committed events"]),
        "digest": fields["digest"],
        "rate": float(fields["event rate"].split()[0]),
        "windows": fields.get("windows"),
        "per_window": fields.get("events per window"),
    }


def millions(rate):
    return f"{rate / 1e6:.2f} M events/s"


def main():
    default_phold = Path(__file__).resolve().parents[2] / "build/release/bench/wormsim_phold"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ross_phold", help="path of ROSS's phold executable (built by ROSS's "
                        "own instructions, outside this repository)")
    parser.add_argument("--wormsim-phold", default=str(default_phold),
                        help="path of wormsim_phold (default: the release build's)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed configuration")
    parser.add_argument("--threads", type=int, default=2, help="threads of the windowed runs")
    parser.add_argument("--partitions", type=int, help="wormsim_phold --partitions (default: its "
                        "own)")
    args = parser.parse_args()
    if args.runs < 1 or args.threads < 1:
        fail("--runs and --threads must be at least 1")
    for program in (args.ross_phold, args.wormsim_phold):
        if not Path(program).is_file():
            fail(f"{program}: no such file")
    extra = [] if args.partitions is None else ["--partitions", str(args.partitions)]

    print(f"ROSS: {args.ross_phold} {' '.join(ROSS_ARGS)}")
    ross = [ross_run(args.ross_phold) for _ in range(args.runs)]
    ross_rate = statistics.median(rate for _, rate in ross)
    print(f"  committed {ross[0][0]}, median of {args.runs}: {millions(ross_rate)} "
          f"(runs: {', '.join(millions(r) for _, r in ross)})")

    timed = {}
    for scheduler, threads in (("sequential", 1), ("windowed", args.threads)):
        runs = [wormsim_run(args.wormsim_phold, scheduler, threads, extra)
                for _ in range(args.runs)]
        timed[scheduler] = runs
        median = statistics.median(r["rate"] for r in runs)
        label = scheduler if scheduler == "sequential" else f"windowed, {threads} threads"
        print(f"wormsim {label}: committed {runs[0]['committed']}, median of {args.runs}: "
              f"{millions(median)} (runs: {', '.join(millions(r['rate']) for r in runs)})")
        if runs[0]["windows"]:
            print(f"  windows {runs[0]['windows']}, events per window {runs[0]['per_window']}")
    sequential = statistics.median(r["rate"] for r in timed["sequential"])
    windowed = statistics.median(r["rate"] for r in timed["windowed"])

    reference = timed["sequential"][0]
    counts = [("sequential", reference)] + [
        (f"windowed, {t} threads", wormsim_run(args.wormsim_phold, "windowed", t, extra))
        for t in (1, 2, 4)]
    for label, runs in timed.items():
        counts += [(f"{label} (timed)", r) for r in runs]
    mismatched = [label for label, r in counts
                  if (r["committed"], r["digest"]) != (reference["committed"], reference["digest"])]

    def verdict(ratio, target):
        return "meets" if ratio >= target else "misses"

    seq_ratio = sequential / ross_rate
    win_ratio = windowed / sequential
    print()
    print(f"wormsim sequential / ROSS sequential: {seq_ratio:.1f}x "
          f"({verdict(seq_ratio, TARGET_SEQUENTIAL_OVER_ROSS)} the target of "
          f"{TARGET_SEQUENTIAL_OVER_ROSS:g}x)")
    print(f"wormsim windowed ({args.threads} threads) / wormsim sequential: {win_ratio:.2f}x "
          f"({verdict(win_ratio, TARGET_WINDOWED_OVER_SEQUENTIAL)} the target of "
          f"{TARGET_WINDOWED_OVER_SEQUENTIAL:g}x)")
    if mismatched:
        print(f"committed events or digest differ from the sequential run's: "
              f"{', '.join(mismatched)}")
        return 1
    print(f"committed events and digest identical on the sequential scheduler and on 1, 2 and 4 "
          f"threads: {reference['committed']} ({reference['digest']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
