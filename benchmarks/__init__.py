"""Benchmarks of the render pipeline against the fake API server (``python -m benchmarks.<name>``)."""
