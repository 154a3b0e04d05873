"""Time `dpia build` of the contract example, as a user runs it (a fresh process each time).

    python benchmarks/bench_build.py [--runs N]

Prints each run and the median; the target is a median under 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "contract-example.yaml"
TARGET_SECONDS = 1.5


def run_once(out: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-m", "dpia", "build", str(EXAMPLE), "--out", str(out),
               "--date", "2026-11-26"]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        run_once(Path(tmp) / "warm-up")  # fill the OS file cache and __pycache__
        for i in range(args.runs):
            seconds = run_once(Path(tmp) / f"run-{i}")
            times.append(seconds)
            print(f"run {i + 1}: {seconds:.3f} s")
    median = statistics.median(times)
    verdict = "within" if median < TARGET_SECONDS else "OVER"
    print(f"dpia build (contract example): median {median:.3f} s over {args.runs} runs, "
          f"{verdict} the {TARGET_SECONDS} s target")
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
