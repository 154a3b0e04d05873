"""Time dpia as people use it: the median of N runs of the real command in a subprocess.

    python benchmarks/bench.py                  # every scenario
    python benchmarks/bench.py startup check    # the named ones
    python benchmarks/bench.py --runs 21 check  # more runs for a steadier median
    python benchmarks/bench.py --list           # scenario names and what they time
    python benchmarks/bench.py register         # the 10,000-row register (ratio to openpyxl's floor)

Each scenario is a function registered with ``@scenario(name, target_seconds)``
that receives a :class:`Bench` and returns the timings of its runs (use
``bench.run_dpia(...)`` to time one run of the real command). To add one, e.g. a
build of the contract example, or adding a project to a 10,000-row register,
write a new function below; set any files up inside it (``bench.tmp`` is a
fresh folder), outside the timed call.

The commands run from this checkout (``python -m dpia``), never from an installed copy.
Exit status 1 if a scenario's median misses its target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATE = "2026-11-26"


@dataclass
class Bench:
    runs: int
    tmp: Path

    def run_dpia(self, *args: str | Path) -> float:
        """Run `python -m dpia ARGS` once; return its wall-clock time in seconds."""
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "dpia", *map(str, args)],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )
        elapsed = time.perf_counter() - start
        if result.returncode not in (0, 1):
            raise SystemExit(f"dpia {' '.join(map(str, args))} failed:\n{result.stderr}")
        return elapsed

    def repeat(self, *args: str | Path) -> list[float]:
        self.run_dpia(*args)  # warm the file cache and __pycache__ first
        return [self.run_dpia(*args) for _ in range(self.runs)]


Scenario = Callable[[Bench], list[float]]


@dataclass(frozen=True)
class Entry:
    run: Scenario
    target: float
    about: str
    unit: str = "s"


SCENARIOS: dict[str, Entry] = {}


def scenario(name: str, target: float, unit: str = "s") -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[name] = Entry(fn, target, (fn.__doc__ or "").strip(), unit)
        return fn

    return register


@scenario("startup", target=0.3)
def startup(bench: Bench) -> list[float]:
    """dpia --help: interpreter start, argument parsing, no heavy imports."""
    return bench.repeat("--help")


@scenario("check", target=0.3)
def check(bench: Bench) -> list[float]:
    """dpia check --example: load, validate, screen, derive risks and gaps, print."""
    return bench.repeat("check", "--example", "--date", DATE)


@scenario("build", target=1.5)
def build(bench: Bench) -> list[float]:
    """dpia build of the contract example: every document (PDF, HTML, Markdown, texts, xlsx)."""
    contract = ROOT / "tests" / "data" / "contract-example.yaml"
    return bench.repeat("build", contract, "--out", bench.tmp / "out", "--date", DATE)


@scenario("register", target=1.5, unit="x openpyxl")
def register(bench: Bench) -> list[float]:
    """dpia register add of one project to a 10,000-row register, as a ratio of openpyxl's
    own load + save of that workbook (the floor); also checks peak memory < 500 MB."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_register

    ratio, peak_mb = bench_register.measure(rows=10_000, repeat=max(1, min(bench.runs, 3)))
    if peak_mb >= 500:
        print(f"register     peak memory {peak_mb:.0f} MB: MISSED the 500 MB target")
        return [float("inf")]
    return [ratio]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="SCENARIO", help="default: all")
    parser.add_argument("--runs", "-n", type=int, default=11, help="timed runs (default 11)")
    parser.add_argument("--list", action="store_true", help="list the scenarios")
    args = parser.parse_args(argv)
    if args.list:
        for name, entry in SCENARIOS.items():
            print(f"{name:12} target {entry.target:.2f} {entry.unit}  {entry.about}")
        return 0
    unknown = [n for n in args.names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    missed = 0
    for name in args.names or list(SCENARIOS):
        entry = SCENARIOS[name]
        with tempfile.TemporaryDirectory() as tmp:
            times = entry.run(Bench(runs=max(1, args.runs), tmp=Path(tmp)))
        median = statistics.median(times)
        ok = median <= entry.target
        missed += not ok
        print(
            f"{name:12} median {median:.3f} {entry.unit}  min {min(times):.3f}  max {max(times):.3f}  "
            f"({len(times)} runs; target {entry.target:.2f} {entry.unit}: {'ok' if ok else 'MISSED'})"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
