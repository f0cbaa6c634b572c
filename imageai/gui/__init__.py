"""Desktop GUI: widgets, dialogs and the main window (thin; state lives in services)."""
