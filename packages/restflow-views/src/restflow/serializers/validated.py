"""``ValidatedData``: the dict a restflow serializer validates into."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.db.models import Model
from rest_framework.utils.encoders import JSONEncoder


class _Encoder(JSONEncoder):
    """DRF's encoder (Decimal, dates, UUID, …) that also writes model instances as their pk."""

    def default(self, obj: Any) -> Any:
        if isinstance(obj, Model):
            return obj.pk
        if isinstance(obj, Decimal):
            return str(obj)  # exact, unlike a float
        return super().default(obj)


class ValidatedData(dict[str, Any]):
    """A ``dict`` whose keys also read as attributes: ``data.email`` is ``data["email"]``.

    Nested serializers give nested ``ValidatedData``. Keys that clash with a
    ``dict`` method (``items``, ``keys``…) stay reachable with ``data["items"]``.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"validated data has no field {name!r}; fields: {', '.join(map(str, self)) or 'none'}."
            ) from None

    def to_json(self, **dumps_kwargs: Any) -> str:
        """Serialize to a JSON string (Decimal and dates as strings, UUIDs, model instances as pk)."""
        return json.dumps(self, cls=_Encoder, **dumps_kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The same data as JSON-compatible Python values (``json.loads(self.to_json())``)."""
        result: dict[str, Any] = json.loads(self.to_json())
        return result
