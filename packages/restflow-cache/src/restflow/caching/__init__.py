"""restflow.caching: part of the restflow-cache distribution."""
