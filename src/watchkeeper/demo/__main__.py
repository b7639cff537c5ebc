"""``python -m watchkeeper.demo``."""

import sys

from watchkeeper.demo._main import main

sys.exit(main())
