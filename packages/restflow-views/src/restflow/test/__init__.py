"""restflow.test: part of the restflow-views distribution."""
