"""Benchmark: the register commands on registers of 1,000, 10,000 and 100,000 flow rows.

Each command is compared in the same run with a floor that does the least any
program must do with the same file:

* ``add`` (one project added) against openpyxl alone loading and saving the workbook;
  targets: at most 1.0x the floor's time, and its own memory (the peak above what the
  process held when the clock started: imports and answers) at most 1.2x the floor's own;
* ``verify`` (reported: time and peak memory; target at most 300 MB at 100,000 rows);
* ``due`` and ``summary`` against a read-only load that reads every row of the sheets
  they use (openpyxl ``read_only=True``, values only); target at most 1.2x.

Every measurement runs in a fresh process that imports what it needs (openpyxl,
dpia, pandas) and reads the answers before its clock starts, so only the work is
timed. Peak memory is the process's maximum resident set (imports included); "own"
memory is that peak less the memory the process held when its clock started.

    python benchmarks/bench_register.py [--rows 1000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 26)
ADD_TARGET, ADD_MEMORY_TARGET, READ_TARGET, VERIFY_MB_AT_100K = 1.0, 1.2, 1.2, 300

# Each snippet prints "seconds peak_MB start_MB"; argv[1] is the register. The peak is the
# process's high-water mark from /proc (getrusage's maximum would include the parent's memory
# before exec); start_MB is its memory when the clock started (imports and answers loaded).
_MEASURE = """
import sys, time
def _mb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field)) / 1024
def start():
    global _start_mb
    _start_mb = _mb("VmRSS:")
    return time.perf_counter()
def done(t):
    elapsed = time.perf_counter() - t
    print(elapsed, _mb("VmHWM:"), _start_mb)
"""

FLOOR_SAVE = _MEASURE + """
from openpyxl import load_workbook
t = start()
load_workbook(sys.argv[1]).save(sys.argv[2])
done(t)
"""

FLOOR_READ = _MEASURE + """
from openpyxl import load_workbook
t = start()
wb = load_workbook(sys.argv[1], read_only=True)
for title in sys.argv[2:]:
    for row in wb[title].iter_rows(values_only=True):
        pass
wb.close()
done(t)
"""

ADD = _MEASURE + """
from datetime import date
from pathlib import Path
sys.path.insert(0, {root!r})
import openpyxl
from dpia.answers.loader import load
from dpia.assessment.assess import assess
from dpia.register.update import add_projects
p = load(Path({root!r}) / "tests" / "data" / "contract-example.yaml")
a = assess(p, date(2026, 11, 26))
t = start()
result = add_projects(Path(sys.argv[1]), [(p, a)])
done(t)
assert result.counts.get("add") == 3 + 5 + 1, result.counts
"""

COMMAND = _MEASURE + """
from datetime import date
from pathlib import Path
sys.path.insert(0, {root!r})
{imports}
t = start()
{call}
done(t)
"""
CALLS = {  # pandas is imported only where the command uses it
    "verify": "report = verify(Path(sys.argv[1])); assert report.ok, report.problems[:3]",
    "due": "due(Path(sys.argv[1]), date(2027, 3, 10))",
    "summary": "summary(Path(sys.argv[1]))",
}
IMPORTS = {
    "verify": "import openpyxl\nfrom dpia.register.verify import verify",
    "due": "import openpyxl, pandas\nfrom dpia.register.reports import due",
    "summary": "import openpyxl, pandas\nfrom dpia.register.reports import summary",
}


def command(name: str) -> str:
    return COMMAND.format(root=str(ROOT), call=CALLS[name], imports=IMPORTS[name])
READS = {"due": ["Data sharing", "Projects"], "summary": ["Data sharing"]}


def make_register(path: Path, rows: int) -> None:
    """A register of ``rows`` flows: copies of the example project (5 flows each)."""
    sys.path.insert(0, str(ROOT))
    from dpia.answers.loader import load
    from dpia.assessment.assess import assess
    from dpia.register.update import add_projects
    from dpia.resources import example_path

    base = load(example_path())
    items = []
    for i in range(rows // len(base.sharing)):
        p = base.model_copy(deep=True)
        p.project.id = f"hws-bench-{i:05d}"
        items.append((p, assess(p, TODAY)))
    add_projects(path, items)


@dataclass
class Run:
    seconds: float
    peak_mb: float  # the process's peak, imports included
    own_mb: float  # the peak above the memory the process had when the clock started


def run(code: str, *args: str) -> Run:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"benchmark step failed:\n{out.stderr}")
    seconds, peak_mb, start_mb = map(float, out.stdout.split()[-3:])
    return Run(seconds, peak_mb, peak_mb - start_mb)


@dataclass
class Figures:
    rows: int
    floor: Run  # medians of time; the largest peaks
    add: Run
    verify: Run
    read_floor_s: dict[str, float]
    read_s: dict[str, float]

    @property
    def ratio(self) -> float:
        return self.add.seconds / self.floor.seconds

    @property
    def memory_ratio(self) -> float:
        """add's own memory (above what its imports and answers took) against openpyxl's own."""
        return self.add.own_mb / self.floor.own_mb

    def read_ratio(self, name: str) -> float:
        return self.read_s[name] / self.read_floor_s[name]

    def misses(self) -> list[str]:
        out = []
        if self.ratio > ADD_TARGET:
            out.append(f"add {self.ratio:.2f}x > {ADD_TARGET}x")
        if self.memory_ratio > ADD_MEMORY_TARGET:
            out.append(f"add's own memory {self.memory_ratio:.2f}x > {ADD_MEMORY_TARGET}x")
        if self.rows >= 100_000 and self.verify.peak_mb > VERIFY_MB_AT_100K:
            out.append(f"verify peak {self.verify.peak_mb:.0f} MB > {VERIFY_MB_AT_100K} MB")
        out.extend(f"{n} {self.read_ratio(n):.2f}x > {READ_TARGET}x" for n in self.read_s
                   if self.read_ratio(n) > READ_TARGET)
        return out

    def row(self) -> str:
        reads = ", ".join(f"{n} {self.read_s[n]:.2f} s ({self.read_ratio(n):.2f}x)" for n in self.read_s)
        return (
            f"| {self.rows:,} | {self.add.seconds:.2f} s | {self.floor.seconds:.2f} s | {self.ratio:.2f}x | "
            f"{self.add.peak_mb:,.0f} MB ({self.add.own_mb:,.0f}) | {self.floor.peak_mb:,.0f} MB "
            f"({self.floor.own_mb:,.0f}) | {self.memory_ratio:.2f}x | "
            f"{self.verify.seconds:.2f} s, {self.verify.peak_mb:,.0f} MB | {reads} |"
        )


HEADER = (
    "| rows | add | openpyxl load+save | ratio | add peak (own) | openpyxl peak (own) | own memory ratio "
    "| verify | due, summary (x read-only load) |\n|---|---|---|---|---|---|---|---|---|"
)


def _median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs),
               max(r.own_mb for r in runs))


def measure_rows(rows: int, repeat: int) -> Figures:
    with tempfile.TemporaryDirectory(prefix="dpia-bench-") as tmp:
        folder = Path(tmp)
        base = folder / "base" / "register.xlsx"
        base.parent.mkdir()
        t = time.perf_counter()
        make_register(base, rows)
        print(f"built a register of {rows:,} flow rows in {time.perf_counter() - t:.1f} s "
              f"({base.stat().st_size / 1e6:.1f} MB)", flush=True)
        root = str(ROOT)
        floors, adds = [], []
        for i in range(repeat):  # alternate, so a busy moment on the machine hits both sides
            floors.append(run(FLOOR_SAVE, str(base), str(folder / f"floor-{i}.xlsx")))
            work = folder / f"run-{i}"
            shutil.copytree(base.parent, work)
            adds.append(run(ADD.format(root=root), str(work / "register.xlsx")))
            shutil.rmtree(work)
        verifies = [run(command("verify"), str(base)) for _ in range(repeat)]
        read_floor, read = {}, {}
        for name, sheets in READS.items():
            floor_runs, command_runs = [], []
            for _ in range(repeat):
                floor_runs.append(run(FLOOR_READ, str(base), *sheets))
                command_runs.append(run(command(name), str(base)))
            read_floor[name] = _median(floor_runs).seconds
            read[name] = _median(command_runs).seconds
        figures = Figures(rows, _median(floors), _median(adds), _median(verifies), read_floor, read)
        print(HEADER + "\n" + figures.row(), flush=True)
        return figures


def measure(rows: int, repeat: int) -> tuple[float, float]:
    """(add's time as a ratio of openpyxl's load + save, add's peak memory in MB), for bench.py."""
    figures = measure_rows(rows, repeat)
    return figures.ratio, figures.add.peak_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = [measure_rows(rows, args.repeat) for rows in args.rows]
    print("\n" + HEADER)
    for figures in results:
        print(figures.row())
    misses = [f"{f.rows:,} rows: {m}" for f in results for m in f.misses()]
    print("\n".join(["MISSED: " + m for m in misses]) or "every target met")
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
