"""restflow.views: part of the restflow-views distribution."""
