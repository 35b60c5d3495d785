"""Models the view tests use."""
