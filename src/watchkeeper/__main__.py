"""``python -m watchkeeper`` runs the command line."""

import sys

from watchkeeper.cli import main

sys.exit(main())
