"""Entry point for `python -m replica`."""

from __future__ import annotations

import sys

from replica.cli import main

if __name__ == "__main__":
    sys.exit(main())
