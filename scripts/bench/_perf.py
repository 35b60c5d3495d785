"""Interleaved in-process timing on pyperf: calibration, warm-ups, runs and their statistics.

pyperf's ``Runner`` measures one benchmark after another, each in its own worker processes.
On a shared, noisy machine that lets a neighbour's burst land on one implementation only,
so every implementation here is measured in the same process, round by round:

* ``calibrate`` — pyperf's ``Runner`` in worker mode (``--worker --calibrate-loops``) finds,
  per implementation, the loop count whose value lasts at least ``--min-time``.
* ``measure`` — in every round each implementation (the order rotating by one per round)
  runs ``--warmups`` warm-up values and ``--values`` values of its calibrated loop count,
  GC collected before each (and off during it where the bench says ``gc_off``); each round becomes one ``pyperf.Run`` (what a worker
  process is to pyperf), so an implementation's rounds make one ``pyperf.Benchmark``.
* ``timed`` — ``measure``, then per group ``summary`` (the best and median round; the ratio
  to a baseline taken round by round, two implementations measured moments apart, its
  median, quartiles and extremes) and ``statistics_us`` (pyperf's mean, standard
  deviation, median and median absolute deviation of every value, and the loops).

A timer is ``timer(n) -> µs per call`` (or a tuple of clocks, wall first: µs per call
each). With ``--pyperf FILE`` the benchmarks are also written as a pyperf suite, which
pyperf's own commands read (``python -m pyperf stats|hist|compare_to``).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyperf

Timer = Callable[[int], Any]
"""Runs ``n`` calls of one implementation: µs per call, or a tuple of clocks (wall first)."""

_RUNNER: list[pyperf.Runner] = []  # pyperf allows one Runner per process
_SUITE: dict[str, pyperf.Benchmark] = {}  # what --pyperf writes, every part measured so far


def parser(
    doc: str | None,
    output: Path,
    *,
    rounds: int,
    values: int = 3,
    min_time: float = 0.1,
    pin: bool = True,
    gc_off: bool = False,
) -> argparse.ArgumentParser:
    """A bench's command line: the timing options, ``--quick``, ``--output`` (also
    ``--json``), ``--strict``, and ``--no-pin`` unless ``pin`` is false. ``gc_off``: the
    garbage collector is off while a value is timed (it is always collected before)."""
    made = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    group = made.add_argument_group("in-process timing (pyperf)")
    group.add_argument("--rounds", type=int, default=rounds, help=f"rounds (default {rounds})")
    group.add_argument(
        "--values", type=int, default=values, help=f"values per round (default {values})"
    )
    group.add_argument("--warmups", type=int, default=1, help="warm-up values per round (1)")
    group.add_argument(
        "--min-time",
        type=float,
        default=min_time,
        help=f"seconds one value lasts at least: sets the loops (default {min_time})",
    )
    made.add_argument("--quick", action="store_true", help="smoke run: short rounds, no file")
    made.add_argument("--output", "--json", type=Path, default=output, help="the results file")
    made.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    made.add_argument(
        "--pyperf",
        type=Path,
        metavar="FILE",
        help="also write every in-process benchmark (wall clock) as a pyperf suite, for "
        "python -m pyperf stats|hist|compare_to",
    )
    if pin:
        made.add_argument(
            "--no-pin", dest="pin", action="store_false", help="do not pin to one CPU"
        )
    made.set_defaults(gc_off=gc_off)
    return made


def parse(
    made: argparse.ArgumentParser, argv: list[str] | None = None, quick_rounds: int = 2
) -> argparse.Namespace:
    """Parse; a ``--quick`` smoke run gets ``quick_rounds`` rounds of one short value, no
    warm-up value, and (with an HTTP part) one round of 1 s load runs."""
    args = made.parse_args(argv)
    if args.quick:
        args.rounds, args.values, args.warmups, args.min_time = quick_rounds, 1, 0, 0.002
        if "http_rounds" in vars(args):
            args.http_rounds, args.duration, args.warmup = 1, 1.0, 0.3
    return args


def _clocks(figure: Any) -> tuple[float, ...]:
    return tuple(figure) if isinstance(figure, tuple) else (float(figure),)


def _runner(args: argparse.Namespace) -> pyperf.Runner:
    if not _RUNNER:
        runner = pyperf.Runner()
        runner.parse_args(["--worker", "--calibrate-loops", "--quiet"])
        _RUNNER.append(runner)
    runner = _RUNNER[0]
    runner.args.min_time = args.min_time
    runner.args.values = args.values
    runner.args.warmups = args.warmups
    return runner


def calibrate(name: str, timer: Timer, args: argparse.Namespace) -> int:
    """Loops per value for ``timer`` (pyperf's calibration, its report silenced)."""

    def time_func(loops: int) -> float:
        return _clocks(timer(loops))[0] * loops / 1e6

    with contextlib.redirect_stdout(io.StringIO()):
        bench = _runner(args).bench_time_func(name, time_func)
    return int(bench.get_runs()[-1].get_loops())


def _value(timer: Timer, loops: int, gc_off: bool) -> tuple[float, ...]:
    gc.collect()
    if gc_off:
        gc.disable()
    try:
        return tuple(v / 1e6 for v in _clocks(timer(loops)))
    finally:
        gc.enable()


def measure(
    timers: dict[str, Timer], args: argparse.Namespace
) -> dict[str, list[pyperf.Benchmark]]:
    """Calibrate, then ``args.rounds`` interleaved rounds: per key one Benchmark per clock."""
    loops = {key: calibrate(key, timer, args) for key, timer in timers.items()}
    runs: dict[str, list[list[pyperf.Run]]] = {key: [] for key in timers}
    names = list(timers)
    for index in range(args.rounds):
        shift = index % len(names)
        for key in names[shift:] + names[:shift]:
            for _ in range(args.warmups):
                _value(timers[key], loops[key], args.gc_off)
            values = [_value(timers[key], loops[key], args.gc_off) for _ in range(args.values)]
            meta = {"name": key, "loops": loops[key]}
            clocks = [
                pyperf.Run(
                    [v[i] for v in values],
                    metadata={**meta, "clock": str(i)},
                    collect_metadata=False,
                )
                for i in range(len(values[0]))
            ]
            runs[key].append(clocks)
        print(f"  round {index + 1}/{args.rounds} done", file=sys.stderr)
    benches = {
        key: [pyperf.Benchmark([r[i] for r in rounds]) for i in range(len(rounds[0]))]
        for key, rounds in runs.items()
    }
    if getattr(args, "pyperf", None):
        _SUITE.update({key: clocks[0] for key, clocks in benches.items()})
        write_suite(args.pyperf, _SUITE)
    return benches


def rounds_us(bench: pyperf.Benchmark) -> list[float]:
    """µs per call of every round (the median of its values)."""
    return [statistics.median(run.values) * 1e6 for run in bench.get_runs()]


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, quartiles and extremes of ``values``."""
    q1, median, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return {
        "median": round(median, 3),
        "q1": round(q1, 3),
        "q3": round(q3, 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def summary(rounds: dict[str, list[float]], baseline: str | None = None) -> dict[str, Any]:
    """Per key the rounds, best and median round (µs); with ``baseline``, the ratio to it
    round by round summarised by :func:`spread`, and the ratio of best rounds."""
    result: dict[str, Any] = {
        "rounds": {key: [round(v, 2) for v in values] for key, values in rounds.items()},
        "best": {key: round(min(values), 2) for key, values in rounds.items()},
        "median": {key: round(statistics.median(values), 2) for key, values in rounds.items()},
    }
    if baseline is not None:
        base = rounds[baseline]
        result[f"ratio_to_{baseline}"] = {
            key: {
                **spread([v / b for v, b in zip(values, base, strict=True)]),
                "best_rounds": round(min(values) / min(base), 3),
            }
            for key, values in rounds.items()
        }
    return result


def statistics_us(benches: dict[str, pyperf.Benchmark]) -> dict[str, Any]:
    """pyperf's statistics of every value of each key, in µs per call, and its loops."""
    return {
        key: {
            "mean": round(b.mean() * 1e6, 2),
            "stdev": round(b.stdev() * 1e6, 2) if b.get_nvalue() > 1 else 0.0,
            "median": round(b.median() * 1e6, 2),
            "mad": round(b.median_abs_dev() * 1e6, 2),
            "loops": b.get_loops(),
            "values": b.get_nvalue(),
        }
        for key, b in benches.items()
    }


def timed(
    groups: dict[str, dict[str, Timer]],
    args: argparse.Namespace,
    baseline: str | None = None,
    clocks: Sequence[str] = ("wall",),
) -> dict[str, Any]:
    """:func:`measure` every timer of every group in the same rounds, then per group (and per
    clock, when there are several) :func:`summary` with pyperf's statistics."""
    benches = measure({f"{g}:{k}": t for g, ts in groups.items() for k, t in ts.items()}, args)
    result: dict[str, Any] = {}
    for group, timers in groups.items():
        per_clock = {}
        for index, clock in enumerate(clocks):
            mine = {key: benches[f"{group}:{key}"][index] for key in timers}
            per_clock[clock] = {
                "unit": "µs per call (lower is better)",
                **summary({key: rounds_us(b) for key, b in mine.items()}, baseline),
                "pyperf": statistics_us(mine),
            }
        result[group] = per_clock if len(clocks) > 1 else per_clock[clocks[0]]
    return result


def print_part(
    title: str, part: dict[str, Any], baseline: str, extra: dict[str, str] | None = None
) -> None:
    """Print ``part`` (a :func:`timed` group): best / median round, the median per-round ratio
    to ``baseline`` [its quartiles], and an ``extra`` cell per key."""
    print(title)
    print(f"  {'':22} {'best':>9} / {'median':<9}  ratio to {baseline} [quartiles]")
    for key, best in part["best"].items():
        r = part[f"ratio_to_{baseline}"][key]
        print(
            f"  {key:22} {best:9.2f} / {part['median'][key]:<9.2f}  {r['median']:5.2f} "
            f"[{r['q1']:.2f}–{r['q3']:.2f}]{(extra or {}).get(key, '')}"
        )
    print()


def write_suite(path: Path, benches: dict[str, pyperf.Benchmark]) -> None:
    """Dump ``benches`` as one pyperf suite (``python -m pyperf compare_to`` reads it)."""
    suite = pyperf.BenchmarkSuite(list(benches.values()))
    path.parent.mkdir(parents=True, exist_ok=True)
    suite.dump(str(path), replace=True)
