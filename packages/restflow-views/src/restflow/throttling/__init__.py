"""restflow.throttling: part of the restflow-views distribution."""
