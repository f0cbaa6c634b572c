"""The Images tab: generator form, gallery, and images as scene references."""
