"""Provider adapters: one folder per API behind the `VideoProvider` protocol; no Qt."""
