import sys

try:  # Ctrl-C while Python is still loading dpia: stop quietly, as at any other moment
    from dpia.cli import main
except KeyboardInterrupt:
    print("\nStopped.", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
