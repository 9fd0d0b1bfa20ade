"""python -m console: same as duty-console."""

import sys

from console.cli import main

sys.exit(main())
