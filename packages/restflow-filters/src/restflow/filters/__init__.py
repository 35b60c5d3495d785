"""restflow.filters: part of the restflow-filters distribution."""
