"""Fingerprint key fields: a model's schema or a serializer's shape, computed once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from restflow.caching.keys.context import KeyContext
from restflow.caching.keys.encoding import digest
from restflow.caching.keys.fields import KeyField, Part, RequestGetter
from restflow.caching.keys.signature import SignatureInfo

__all__ = ["DjangoModelKeyField", "DrfSerializerKeyField"]


class _Fingerprint(KeyField):
    """A field whose text is computed once, on first use, from a class."""

    def fingerprint(self) -> str:
        raise NotImplementedError

    def compile_value(
        self, sig: SignatureInfo | None, request_of: RequestGetter
    ) -> Callable[[KeyContext], Any]:
        memo: list[str] = []

        def read(ctx: KeyContext) -> Any:
            if not memo:
                memo.append(self.fingerprint())
            return memo[0]

        return read

    def compile(self, sig: SignatureInfo | None, request_of: RequestGetter) -> Part:
        read = self.compile_value(sig, request_of)
        return lambda ctx: read(ctx)  # already a digest: no encoding needed


class DjangoModelKeyField(_Fingerprint):
    """A fingerprint of a model's schema: adding, removing or retyping a field changes keys."""

    def __init__(self, model: Any, **options: Any) -> None:
        super().__init__(**options)
        if not hasattr(model, "_meta"):
            raise TypeError(f"DjangoModelKeyField needs a model class, got {model!r}.")
        self.model = model

    def describe(self) -> str:
        return self.model._meta.label

    def fingerprint(self) -> str:
        meta = self.model._meta
        columns = sorted(
            f"{f.name}:{f.get_internal_type()}:{f.column}:{f.null}" for f in meta.concrete_fields
        )
        m2m = sorted(f"{f.name}:{f.related_model._meta.label}" for f in meta.many_to_many)
        return digest("|".join([meta.label_lower, meta.db_table, *columns, *m2m]))


class DrfSerializerKeyField(_Fingerprint):
    """A fingerprint of a DRF serializer's shape: its fields, their types and options."""

    def __init__(self, serializer_class: type, **options: Any) -> None:
        super().__init__(**options)
        if not isinstance(serializer_class, type):
            raise TypeError(
                f"DrfSerializerKeyField needs a serializer class, got {serializer_class!r}."
            )
        self.serializer_class = serializer_class

    def describe(self) -> str:
        return self.serializer_class.__qualname__

    def fingerprint(self) -> str:
        return digest(_shape(self.serializer_class()))


def _shape(serializer: Any) -> str:
    fields = getattr(serializer, "fields", None)
    if fields is None:  # a ListSerializer
        child = getattr(serializer, "child", None)
        return f"[{_shape(child)}]" if child is not None else type(serializer).__name__
    items = []
    for name, field in fields.items():
        flags = f"{field.read_only:d}{field.write_only:d}{field.required:d}{field.allow_null:d}"
        source = getattr(field, "source", name)
        inner = _shape(field) if hasattr(field, "fields") or hasattr(field, "child") else ""
        items.append(f"{name}={type(field).__name__}:{source}:{flags}{inner}")
    return f"{type(serializer).__qualname__}{{{','.join(items)}}}"
