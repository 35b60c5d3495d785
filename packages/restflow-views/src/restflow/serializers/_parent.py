"""``parent`` held weakly by the child of a ``ListSerializer``.

DRF binds the child of a ``ListSerializer`` with ``child.parent = list``
while the list holds ``list.child = child``: a reference cycle. Every
``many=True`` serializer (one per list response) then outlives its request
until the cycle collector runs, and with it the page of model instances it
serialized, the request and the view it has in its context. Holding that one
back reference weakly lets reference counting free them all when the
response is done; every other ``parent`` stays a plain reference.
"""

from __future__ import annotations

import weakref
from typing import Any

from rest_framework import serializers

_SLOT = "_restflow_parent"


class ParentLink:
    """The ``parent`` attribute: weak only towards the ``ListSerializer`` owning this child.

    While the list serializer lives, ``child.parent`` is that list serializer,
    as in DRF. A child kept after its list serializer is gone reads
    ``parent`` as ``None`` (it is then its own root).
    """

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__.get(_SLOT)
        if type(value) is weakref.ReferenceType:
            return value()
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, serializers.ListSerializer) and value.__dict__.get("child") is obj:
            value = weakref.ref(value)
        obj.__dict__[_SLOT] = value

    def __delete__(self, obj: Any) -> None:
        obj.__dict__.pop(_SLOT, None)
