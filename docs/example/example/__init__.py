"""The restflow example project: async views on restflow-core's dispatch loop."""
