"""`python -m sgz_portal`: the same as the `sgz-portal` command."""
from sgz_portal.cli import main

raise SystemExit(main())
