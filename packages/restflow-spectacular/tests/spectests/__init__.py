"""Generate and validate an OpenAPI document for a handful of URL patterns."""

from __future__ import annotations

from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def generate(patterns: list[Any]) -> dict[str, Any]:
    """The validated schema (drf-spectacular's own OpenAPI 3 validator) of ``patterns``."""
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    validate_schema(schema)
    return schema


def error_ref(operation: dict[str, Any], status: str) -> str:
    """The ``$ref`` of the JSON body documented for ``status``."""
    return operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
