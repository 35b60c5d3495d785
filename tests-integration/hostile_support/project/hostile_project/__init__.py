"""A small Django project for the hostile suite: what docs/example has no endpoint for."""
