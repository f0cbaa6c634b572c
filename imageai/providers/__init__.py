"""Provider adapters: one module per API behind the `VideoProvider` protocol; no Qt."""
