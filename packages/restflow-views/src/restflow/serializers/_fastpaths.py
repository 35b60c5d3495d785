"""The fast paths of restflow.serializers, each with its public path beside it.

Every fast path here is checked once, at import, and replaced by its public
path when it is not available or gives another result; ``RESTFLOW_FAST_PATHS=0``
in the environment (read at import) turns them all off.

- **Generated row functions** (``generate_represent``): a representation plan's
  row function compiled from source, one dict display with an inline
  conditional per column, instead of the closure of
  :func:`restflow.serializers._plan.represent_closure` (the public path). It
  needs ``compile``/``exec``, which some sandboxed interpreters refuse. It
  represents a row in about half the closure's time (``views_list.py``,
  serializer part; figures in the issue 18 report).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from restflow.core._fastpaths import ENABLED  # the one reading of RESTFLOW_FAST_PATHS

__all__ = ["ENABLED", "GENERATED_PLANS", "generate_represent"]


Represent = Callable[[Any], dict[str, Any]]


def _source(names: Sequence[str], columns: Sequence[tuple[Any, Any]]) -> tuple[str, dict[str, Any]]:
    namespace: dict[str, Any] = {}
    items = []
    for index, (name, (convert, output_type)) in enumerate(zip(names, columns, strict=True)):
        value = f"v{index}"
        if convert is None:
            items.append(f"{name!r}: {value}")
            continue
        namespace[f"c{index}"] = convert
        if output_type is None:
            items.append(f"{name!r}: None if {value} is None else c{index}({value})")
            continue
        namespace[f"t{index}"] = output_type
        items.append(
            f"{name!r}: {value} if {value}.__class__ is t{index} or {value} is None "
            f"else c{index}({value})"
        )
    unpack = ", ".join(f"v{index}" for index in range(len(names)))
    single = len(names) == 1
    source = (
        "def represent(instance):\n"
        f"    {unpack}{',' if single else ''} = "
        f"{'(_get(instance),)' if single else '_get(instance)'}\n"
        f"    return {{{', '.join(items)}}}\n"
    )
    return source, namespace


def _compiled(
    names: Sequence[str], attrs: Sequence[str], columns: Sequence[tuple[Any, Any]]
) -> Represent:
    source, namespace = _source(names, columns)
    namespace["_get"] = attrgetter(*attrs)
    exec(compile(source, "<restflow representation plan>", "exec"), namespace)
    represent: Represent = namespace["represent"]
    return represent


def _probe() -> bool:
    """Whether generated functions compile here and give the expected row."""

    class Row:
        a, b, c = 1, None, 2.5

    try:
        represent = _compiled(
            ["a", "b", "c"], ["a", "b", "c"], [(None, None), (str, str), (int, int)]
        )
        return represent(Row()) == {"a": 1, "b": None, "c": 2}
    except Exception:
        return False


GENERATED_PLANS = ENABLED and _probe()


def generate_represent(
    names: Sequence[str], attrs: Sequence[str], columns: Sequence[tuple[Any, Any]]
) -> Represent | None:
    """The generated row function of a plan, or ``None`` when this fast path is off."""
    if not GENERATED_PLANS:
        return None
    return _compiled(names, attrs, columns)
