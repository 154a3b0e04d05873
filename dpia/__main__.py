"""``python -m dpia`` and the ``dpia`` command (pyproject's entry point is :func:`run`)."""

import sys


def run() -> int:
    """Load the command line and run it; Ctrl-C while Python is still loading dpia stops quietly."""
    try:
        from dpia.cli import main
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
