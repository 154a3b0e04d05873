"""Benchmark: add one project to a register that already holds 10,000 flow rows.

Compared in the same run with the floor: openpyxl alone loading and saving the
same workbook. Target: at most 1.5 times the floor, peak memory under 500 MB.
Each measurement runs in a fresh process, so peak memory (max RSS) is its own.

    python benchmarks/bench_register.py [--rows 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 26)

FLOOR = """
import sys, time, resource
from openpyxl import load_workbook
t = time.perf_counter()
wb = load_workbook(sys.argv[1])
wb.save(sys.argv[2])
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

ADD = """
import sys, time, resource
from datetime import date
from pathlib import Path
sys.path.insert(0, {root!r})
from dpia.answers.loader import load
from dpia.assessment.assess import assess
from dpia.register.update import add_projects
p = load(Path({root!r}) / "tests" / "data" / "contract-example.yaml")
a = assess(p, date(2026, 11, 26))
t = time.perf_counter()
result = add_projects(Path(sys.argv[1]), [(p, a)])
elapsed = time.perf_counter() - t
assert result.counts.get("add") == 3 + 5 + 1, result.counts
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


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


def run(code: str, *args: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    seconds, rss_kb = out.stdout.split()
    return float(seconds), float(rss_kb) / 1024  # Linux reports max RSS in KiB


def measure(rows: int, repeat: int) -> tuple[float, float]:
    """Return (time of dpia's add / openpyxl's load + save, dpia's peak memory in MB)."""
    with tempfile.TemporaryDirectory(prefix="dpia-bench-") as tmp:
        folder = Path(tmp)
        base = folder / "base" / "register.xlsx"
        base.parent.mkdir()
        t = time.perf_counter()
        make_register(base, rows)
        print(f"built a register of {rows:,} flow rows in {time.perf_counter() - t:.1f} s "
              f"({base.stat().st_size / 1e6:.1f} MB)")
        floors, adds = [], []
        for i in range(repeat):
            floors.append(run(FLOOR, str(base), str(folder / f"floor-{i}.xlsx")))
            work = folder / f"run-{i}"
            shutil.copytree(base.parent, work)
            adds.append(run(ADD.format(root=str(ROOT)), str(work / "register.xlsx")))
        floor_s = min(s for s, _ in floors)
        add_s = min(s for s, _ in adds)
        add_mb = max(m for _, m in adds)
        print(f"openpyxl load + save (floor): {floor_s:.2f} s, peak {max(m for _, m in floors):.0f} MB")
        print(f"dpia register add, one project: {add_s:.2f} s, peak {add_mb:.0f} MB")
        ratio = add_s / floor_s
        print(f"ratio {ratio:.2f} (target <= 1.5); peak memory target < 500 MB")
        return ratio, add_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ratio, add_mb = measure(args.rows, args.repeat)
    return 0 if ratio <= 1.5 and add_mb < 500 else 1


if __name__ == "__main__":
    raise SystemExit(main())
