"""The headless command line (`imageai`), over the same core and job runner as the GUI."""
