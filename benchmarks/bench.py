"""Time dpia as people use it: the median of N runs of the real command in a subprocess.

    python benchmarks/bench.py                  # every scenario
    python benchmarks/bench.py startup check    # the named ones
    python benchmarks/bench.py --runs 21 check  # more runs for a steadier median
    python benchmarks/bench.py --list           # scenario names and what they time
    python benchmarks/bench.py register         # the 10,000-row register (ratio to openpyxl's floor)
    python benchmarks/bench.py questionnaire    # a scripted newcomer's `dpia new`: prompts, help words

Targets are ratios to a floor measured in the same run, so they hold on a fast or a
slow machine: each run of the command is timed right after a run of the floor
(``python -c "import ..."`` of what the command cannot do without), and the scenario
reports the median of those ratios. ``flows`` checks that build time grows linearly.

Each scenario is a function registered with ``@scenario(name, target, unit)`` that
receives a :class:`Bench` and returns one figure per run (``bench.ratios(floor, ...)``
times the real command against a floor; ``bench.run_dpia(...)`` times one run). Set
any files up inside it (``bench.tmp`` is a fresh folder), outside the timed call.

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

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        # As installed: pip compiles every module when it installs dpia, so Python never
        # compiles dpia's source at run time (the warm-up run writes the same .pyc files here).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    def time(self, *argv: str | Path, env: dict[str, str] | None = None) -> float:
        """Run ``python ARGV`` once from this checkout; return its wall-clock time in seconds."""
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, *map(str, argv)],
            cwd=ROOT, env=env or self.env(), capture_output=True, text=True,
        )
        elapsed = time.perf_counter() - start
        if result.returncode not in (0, 1):
            raise SystemExit(f"python {' '.join(map(str, argv))} failed:\n{result.stderr}")
        return elapsed

    def run_dpia(self, *args: str | Path, env: dict[str, str] | None = None) -> float:
        """Run `python -m dpia ARGS` once; return its wall-clock time in seconds."""
        return self.time("-m", "dpia", *args, env=env)

    def repeat(self, *args: str | Path) -> list[float]:
        self.run_dpia(*args)  # warm the file cache and __pycache__ first
        return [self.run_dpia(*args) for _ in range(self.runs)]

    def ratios(self, floor: str, *args: str | Path, env: dict[str, str] | None = None,
               warm: bool = True) -> list[float]:
        """dpia ARGS timed against ``python -c FLOOR`` in turns, run by run, so a machine busy
        with other work slows both sides alike; returns each run's ratio."""
        if warm:
            self.time("-c", floor)
            self.run_dpia(*args, env=env)
        out = []
        for _ in range(self.runs):
            base = self.time("-c", floor)
            out.append(self.run_dpia(*args, env=env) / base)
        return out


Scenario = Callable[[Bench], list[float]]


@dataclass(frozen=True)
class Entry:
    run: Scenario
    target: float
    about: str
    unit: str = "s"
    # Instead of a median against the target: the scenario's own report line and whether it
    # met its targets (for counts rather than times).
    report: Callable[[list[float]], tuple[str, bool]] | None = None


SCENARIOS: dict[str, Entry] = {}


def scenario(
    name: str, target: float, unit: str = "s",
    report: Callable[[list[float]], tuple[str, bool]] | None = None,
) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[name] = Entry(fn, target, (fn.__doc__ or "").strip(), unit, report)
        return fn

    return register


CONTRACT = ROOT / "tests" / "data" / "contract-example.yaml"
EMBEDDED = ROOT / "dpia" / "examples" / "healthwatch-mental-health-survey.yaml"
BUILD_FLOOR = "import jinja2, reportlab.platypus, openpyxl, yaml"
# What any check must do before its own work: start Python, read YAML, and build the
# answers model (pydantic compiles its validators when the model is imported).
CHECK_FLOOR = "import yaml, dpia.answers.model"


def example() -> Path:
    """The contract example, or the embedded example while the contract one does not load."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    loads = subprocess.run([sys.executable, "-m", "dpia", "check", str(CONTRACT), "--date", DATE],
                           cwd=ROOT, env=env, capture_output=True).returncode in (0, 1)
    return CONTRACT if loads else EMBEDDED


@scenario("startup", target=1.3, unit="x floor")
def startup(bench: Bench) -> list[float]:
    """dpia --help, as a ratio of `python -c "import dpia.cli"`."""
    return bench.ratios("import dpia.cli", "--help")


@scenario("check", target=3.0, unit="x floor")
def check(bench: Bench) -> list[float]:
    """dpia check of the contract example, as a ratio of `python -c "import yaml, dpia.answers.model"`."""
    return bench.ratios(CHECK_FLOOR, "check", example(), "--date", DATE)


def _installed(bench: Bench) -> None:
    """What installing the wheel leaves: the shipped templates compiled (the wheel's build
    step, hatch_build.py, does this into the wheel; here into compiled-templates/)."""
    bench.time("-m", "dpia.render.templating")


def _fresh_tmp(bench: Bench, name: str) -> dict[str, str]:
    """The environment of a first build after install: nothing in the user's template
    cache (it lives in the temporary folder), every module compiled (as pip installs them),
    the shipped templates compiled as in the wheel."""
    folder = bench.tmp / name
    folder.mkdir()
    env = bench.env()
    env["TMPDIR"] = str(folder)
    return env


def _build_args(bench: Bench) -> tuple[str | Path, ...]:
    return ("build", example(), "--out", bench.tmp / "out", "--date", DATE)


@scenario("build", target=1.8, unit="x floor")
def build(bench: Bench) -> list[float]:
    """dpia build of the contract example (every document), as a ratio of
    `python -c "import jinja2, reportlab.platypus, openpyxl, yaml"`; the first timed run is
    the first build after install (an empty template cache)."""
    _installed(bench)
    bench.run_dpia(*_build_args(bench), env=_fresh_tmp(bench, "warm"))  # the .pyc files, as installed
    bench.time("-c", BUILD_FLOOR)
    return bench.ratios(BUILD_FLOOR, *_build_args(bench), env=_fresh_tmp(bench, "fresh"), warm=False)


@scenario("first-build", target=1.8, unit="x floor")
def first_build(bench: Bench) -> list[float]:
    """The first build after install alone: every run with an empty template cache."""
    _installed(bench)
    bench.run_dpia(*_build_args(bench), env=_fresh_tmp(bench, "warm"))
    bench.time("-c", BUILD_FLOOR)
    out = []
    for i in range(bench.runs):
        base = bench.time("-c", BUILD_FLOOR)
        out.append(bench.run_dpia(*_build_args(bench), env=_fresh_tmp(bench, f"fresh-{i}")) / base)
    return out


def _project(bench: Bench, orgs: int, flows: int) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from scale import big_project

    path = bench.tmp / f"project-{orgs}-{flows}.yaml"
    path.write_text(big_project(orgs, flows), encoding="utf-8")
    return path


@scenario("flows", target=2.0, unit="x linear")
def flows(bench: Bench) -> list[float]:
    """dpia build at 5, 50 and 500 flows (20 organisations): the time each flow adds from 50
    to 500 flows, as a ratio of the time each added from 5 to 50 (1.0 is linear)."""
    times = {}
    for n in (5, 50, 500):
        path = _project(bench, 20, n)
        args = ("build", path, "--out", bench.tmp / f"out-{n}", "--date", DATE)
        bench.run_dpia(*args)
        times[n] = statistics.median(bench.run_dpia(*args) for _ in range(max(3, min(bench.runs, 5))))
    small, large = (times[50] - times[5]) / 45, (times[500] - times[50]) / 450
    print(f"flows        5: {times[5]:.2f} s, 50: {times[50]:.2f} s, 500: {times[500]:.2f} s; "
          f"{small * 1000:.1f} ms per flow from 5 to 50, {large * 1000:.1f} ms from 50 to 500")
    return [large / small]


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


MAX_PROMPTS = 90
MAX_HELP_WORDS = 600


def _questionnaire_report(counts: list[float]) -> tuple[str, bool]:
    prompts, words = int(counts[0]), int(counts[1])
    ok = prompts <= MAX_PROMPTS and words <= MAX_HELP_WORDS
    print(f"questionnaire targets: at most {MAX_PROMPTS} prompts and {MAX_HELP_WORDS} words of "
          f"help: {'ok' if ok else 'MISSED'}")
    return f"questionnaire: {prompts} prompts, {words} words of help", ok


@scenario("questionnaire", target=MAX_PROMPTS, unit="prompts", report=_questionnaire_report)
def questionnaire(bench: Bench) -> list[float]:
    """A scripted newcomer answers `dpia new` in a real terminal for issue 12's project (a
    Healthwatch hospital-discharge project: a survey company, three focus groups, a freelance
    transcriber, referrals to the trust, five sharing flows, the risks' measures): counts the
    prompts answered and the words of help shown (targets: 90 prompts, 600 words). One run:
    the counts do not vary."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import newcomer

    result = newcomer.run(bench.tmp)
    if result.exit_status != 0:
        raise SystemExit(f"dpia new stopped with status {result.exit_status}:\n"
                         f"{result.screen[-3000:]}")
    return [float(result.prompts), float(result.help_words)]


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
        if entry.report is not None:
            line, ok = entry.report(times)
            missed += not ok
            print(line)
            continue
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
