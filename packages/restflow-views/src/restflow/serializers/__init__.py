"""restflow.serializers: part of the restflow-views distribution."""
