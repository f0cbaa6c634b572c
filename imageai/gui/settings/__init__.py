"""Settings and API key dialogs."""
