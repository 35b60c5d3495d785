"""Test app for the serializer tests (models in ``sertests.models``)."""
