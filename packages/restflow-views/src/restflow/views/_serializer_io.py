"""Calling a serializer from async code: its async surface when it has one, else one thread hop.

Decided once per serializer class. A serializer with ``ais_valid``/``asave``
(restflow's serializers) is awaited on the loop; a plain DRF serializer is
validated, saved or represented in a single ``sync_to_async`` call.
"""

from __future__ import annotations

import inspect
from typing import Any

from asgiref.sync import sync_to_async

from restflow.core import acall_hook

__all__ = ["adata", "ais_valid", "asave"]

# serializer class -> how its ``data`` is read on the async path
_DATA_MODE: dict[type, str] = {}


async def ais_valid(serializer: Any) -> bool:
    """``is_valid(raise_exception=True)`` on either surface."""
    return bool(await acall_hook(serializer, "is_valid", raise_exception=True))


async def asave(serializer: Any, **kwargs: Any) -> Any:
    """``save(**kwargs)``: ``asave`` when defined, else the sync ``save`` in a thread."""
    return await acall_hook(serializer, "save", **kwargs)


def _data_mode(cls: type) -> str:
    mode = _DATA_MODE.get(cls)
    if mode is None:
        attr = inspect.getattr_static(cls, "adata", None)
        if isinstance(attr, property):
            mode = "property"
        elif attr is not None and callable(attr):
            mode = "method"
        else:
            mode = "thread"
        _DATA_MODE[cls] = mode
    return mode


def _read_data(serializer: Any) -> Any:
    return serializer.data


async def adata(serializer: Any) -> Any:
    """``serializer.data``: ``await serializer.adata`` when the class has it, else a thread hop."""
    mode = _data_mode(type(serializer))
    if mode == "thread":
        return await sync_to_async(_read_data, thread_sensitive=True)(serializer)
    value = serializer.adata
    if mode == "method":
        value = value()
    return await value
