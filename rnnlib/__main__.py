"""``python -m rnnlib``: the command line (``rnnlib.ui.cli``)."""
import sys

from .ui.cli import main

if __name__ == "__main__":
    sys.exit(main())
