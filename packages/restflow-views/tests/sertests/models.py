"""Models the serializer tests use."""
