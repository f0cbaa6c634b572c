"""Start the ImageAI desktop app: ``python main.py``."""

import sys

from imageai.app import main

if __name__ == "__main__":
    sys.exit(main())
