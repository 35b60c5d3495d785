"""restflow.pagination: part of the restflow-views distribution."""
