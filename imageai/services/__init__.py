"""Qt services without widgets: job runner, project document, render controller, item models."""
