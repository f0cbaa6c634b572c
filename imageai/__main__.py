"""``python -m imageai``: the command line."""

import sys

from imageai.cli.main import main

sys.exit(main())
