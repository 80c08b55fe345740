"""`python -m cleaner`: the same as the `cleaner` command."""

import sys

from cleaner.cli import main

sys.exit(main())
