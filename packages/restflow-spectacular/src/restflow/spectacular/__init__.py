"""restflow.spectacular: part of the restflow-spectacular distribution."""
