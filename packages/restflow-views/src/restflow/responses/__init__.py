"""restflow.responses: part of the restflow-views distribution."""
