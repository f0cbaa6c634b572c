"""``python -m imageai``: the command line."""

from imageai.cli.main import run

run()
