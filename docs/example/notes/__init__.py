"""A tiny app with one model, for the example's async ORM views."""
