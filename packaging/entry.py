"""PyInstaller entry point: the bundled `duty-console` executable is `console.cli.main`."""

import sys

from console.cli import main

if __name__ == "__main__":
    sys.exit(main())
