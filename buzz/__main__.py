"""Allow `python -m buzz`."""

from buzz.cli import main

main()
