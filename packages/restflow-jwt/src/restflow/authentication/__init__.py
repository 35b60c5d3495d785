"""restflow.authentication: part of the restflow-jwt distribution."""
