"""``PostFetch``: attach related rows to already-fetched objects in one query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from restflow.pagination._aio import alist

__all__ = ["PostFetch"]

_ROW_NUMBER = "_restflow_post_fetch_row"


def _read(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def _write(obj: Any, name: str, value: Any) -> None:
    if isinstance(obj, dict):
        obj[name] = value
    else:
        setattr(obj, name, value)


class PostFetch:
    """Attach related rows to a page (or one object) with one query, after it was fetched.

    ``PostFetch(queryset=Review.objects.all(), to_attr="reviews", product_id="id")``
    runs one ``Review`` query for all the parents and sets ``parent.reviews``
    to the list of matching rows (model instances, or dicts when ``values`` is
    given). Each keyword join maps a field of ``queryset``'s model to an
    attribute of the parent. ``order_by`` orders each list; ``limit`` keeps the
    first ``limit`` rows *per parent* (a ``ROW_NUMBER()`` window, still one
    query). A parent with no match gets an empty list.
    """

    def __init__(
        self,
        queryset: QuerySet[Any],
        to_attr: str,
        values: Sequence[str] | None = None,
        order_by: Sequence[str] = (),
        limit: int | None = None,
        **join: str,
    ) -> None:
        if not isinstance(queryset, QuerySet):
            raise TypeError(f"PostFetch.queryset must be a QuerySet, got {queryset!r}.")
        if not isinstance(to_attr, str) or not to_attr:
            raise TypeError(f"PostFetch.to_attr must be a non-empty string, got {to_attr!r}.")
        if not join:
            raise TypeError(
                "PostFetch needs at least one join, as <field of the queryset's model>="
                '"<attribute of the parent>", e.g. product_id="id".'
            )
        for child, parent in join.items():
            if not isinstance(parent, str):
                raise TypeError(f"PostFetch join {child}= must name a parent attribute (a str).")
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise TypeError(f"PostFetch.limit must be a positive integer or None, got {limit!r}.")
        if isinstance(values, str) or isinstance(order_by, str):
            raise TypeError("PostFetch.values and PostFetch.order_by take a list of field names.")
        self.queryset = queryset
        self.to_attr = to_attr
        self.values = tuple(values) if values is not None else None
        self.order_by = tuple(order_by)
        self.limit = limit
        self.join = dict(join)
        # a model row is read by attribute name: ``product`` reads ``product_id`` (no query)
        self._row_attrs = [self._attname(field) for field in self.join]

    def _attname(self, field: str) -> str:
        try:
            model_field = self.queryset.model._meta.get_field(field)
        except FieldDoesNotExist:
            return field
        return getattr(model_field, "attname", None) or field

    def __repr__(self) -> str:
        return f"<PostFetch {self.queryset.model.__name__} -> {self.to_attr!r} on {self.join!r}>"

    # -- the I/O-free parts, shared by fetch and afetch ----------------------

    def _parents(self, objects: Any) -> list[Any]:
        if objects is None:
            return []
        if isinstance(objects, (dict, str, bytes)) or not isinstance(objects, Iterable):
            return [objects]
        return list(objects)

    def _key_of_parent(self, parent: Any) -> tuple[Any, ...]:
        return tuple(_read(parent, attr) for attr in self.join.values())

    def query(self, parents: Sequence[Any]) -> QuerySet[Any] | None:
        """The one query for ``parents`` (``None`` when no parent has a key to match)."""
        keys = {self._key_of_parent(parent) for parent in parents}
        keys.discard(tuple(None for _ in self.join))
        if not keys:
            return None
        fields = list(self.join)
        if len(fields) == 1:
            condition = Q(**{f"{fields[0]}__in": [key[0] for key in keys]})
        else:
            condition = reduce(or_, (Q(**dict(zip(fields, key, strict=True))) for key in keys))
        queryset = self.queryset.filter(condition)
        if self.limit is not None:
            window = Window(
                RowNumber(),
                partition_by=[F(field) for field in fields],
                order_by=list(self.order_by) or None,
            )
            queryset = queryset.annotate(**{_ROW_NUMBER: window}).filter(
                **{f"{_ROW_NUMBER}__lte": self.limit}
            )
        if self.order_by:
            queryset = queryset.order_by(*self.order_by)
        if self.values is not None:
            queryset = queryset.values(*self.values, *(f for f in fields if f not in self.values))
        return queryset

    def attach(self, parents: Sequence[Any], rows: Iterable[Any]) -> None:
        """Set ``to_attr`` on each parent to its rows (in query order)."""
        fields = list(self.join)
        hidden = [f for f in fields if self.values is not None and f not in self.values]
        grouped: dict[tuple[Any, ...], list[Any]] = {}
        for row in rows:
            names = fields if isinstance(row, dict) else self._row_attrs
            key = tuple(_read(row, name) for name in names)
            for field in hidden:
                del row[field]
            grouped.setdefault(key, []).append(row)
        for parent in parents:
            _write(parent, self.to_attr, grouped.get(self._key_of_parent(parent), []))

    # -- the two I/O shells ---------------------------------------------------

    def fetch(self, objects: Any) -> None:
        """Attach the related rows to ``objects`` (a list, a page, or one object)."""
        parents = self._parents(objects)
        queryset = self.query(parents)
        self.attach(parents, [] if queryset is None else list(queryset))

    async def afetch(self, objects: Any) -> None:
        """Async twin of :meth:`fetch`: the query is iterated with the async ORM."""
        parents = self._parents(objects)
        queryset = self.query(parents)
        self.attach(parents, [] if queryset is None else await alist(queryset))
