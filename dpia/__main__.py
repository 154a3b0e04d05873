from dpia.cli import main

raise SystemExit(main())
