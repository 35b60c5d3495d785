"""The five model mixins (list, create, retrieve, update, destroy), async and sync.

Both families validate with the request-direction serializer, render with
the response-direction one and run the view's ``post_fetches``.

Each handler goes through the view's hooks with restflow's fall-back rules,
so a DRF-style sync override (``perform_create``, ``get_object``,
``filter_queryset``, ``paginate_queryset``…) is honoured, in a thread, and
an ``async def`` override is awaited.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from rest_framework import mixins, status
from rest_framework.response import Response

from restflow.core import acall_hook
from restflow.views._fastpaths import forget_prefetched
from restflow.views._serializer_io import adata, asave

__all__ = [
    "AsyncCreateModelMixin",
    "AsyncDestroyModelMixin",
    "AsyncListModelMixin",
    "AsyncRetrieveModelMixin",
    "AsyncUpdateModelMixin",
    "CreateModelMixin",
    "DestroyModelMixin",
    "ListModelMixin",
    "RetrieveModelMixin",
    "UpdateModelMixin",
]


class _WriteResponse:
    def _output_serializer(self, serializer: Any) -> Any:
        """What renders the body after a write: the input serializer, or the response class."""
        view: Any = self
        response_class = view.get_response_serializer_class()
        if response_class is type(serializer):
            return serializer
        return view.get_serializer(serializer.instance, serializer_class=response_class)

    def _written_data(self, serializer: Any) -> Any:
        return self._output_serializer(serializer).data

    async def _awritten_data(self, serializer: Any) -> Any:
        return await adata(self._output_serializer(serializer))


class AsyncListModelMixin(mixins.ListModelMixin):
    """``list``: filter, paginate, serialize (``post_fetches`` run on the page)."""

    async def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """Respond with the (paginated) filtered queryset."""
        view: Any = self
        queryset = await acall_hook(view, "filter_queryset", await view._aget_queryset())
        return await view.apaginated_response(queryset, post_fetches=view.get_post_fetches())


class AsyncRetrieveModelMixin(mixins.RetrieveModelMixin):
    """``retrieve``: ``aget_object`` then serialize."""

    async def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """Respond with one object (404 when missing)."""
        view: Any = self
        instance = await acall_hook(view, "get_object")
        return await view.aserialized_response(instance, post_fetches=view.get_post_fetches())


class AsyncCreateModelMixin(_WriteResponse, mixins.CreateModelMixin):
    """``create``: validate, ``aperform_create``, 201 with ``Location`` when there is a URL field."""

    async def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """Create an object from the request body."""
        view: Any = self
        serializer = await view.avalidated_serializer()
        await acall_hook(view, "perform_create", serializer)
        data = await self._awritten_data(serializer)
        headers = self.get_success_headers(data)
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)

    async def aperform_create(self, serializer: Any) -> None:
        """Save the new object (``asave`` when the serializer has it)."""
        await asave(serializer)


class AsyncUpdateModelMixin(_WriteResponse, mixins.UpdateModelMixin):
    """``update``/``partial_update``: ``aget_object``, validate, ``aperform_update``."""

    async def update(self, request: Any, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """Replace (``partial=True``: patch) one object."""
        view: Any = self
        partial = kwargs.pop("partial", False)
        instance = await acall_hook(view, "get_object")
        serializer = await view.avalidated_serializer(instance, partial=partial)
        await acall_hook(view, "perform_update", serializer)
        # the update may have changed relations prefetched with the instance: drop them
        if not forget_prefetched(instance) and hasattr(instance, "arefresh_from_db"):
            await instance.arefresh_from_db()
        return Response(await self._awritten_data(serializer))

    async def partial_update(self, request: Any, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """``update`` with ``partial=True``."""
        kwargs["partial"] = True
        return await self.update(request, *args, **kwargs)

    async def aperform_update(self, serializer: Any) -> None:
        """Save the changes (``asave`` when the serializer has it)."""
        await asave(serializer)


class AsyncDestroyModelMixin(mixins.DestroyModelMixin):
    """``destroy``: ``aget_object``, ``aperform_destroy``, 204."""

    async def destroy(self, request: Any, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """Delete one object."""
        instance = await acall_hook(self, "get_object")
        await acall_hook(self, "perform_destroy", instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    async def aperform_destroy(self, instance: Any) -> None:
        """``await instance.adelete()``, or ``instance.delete()`` in a thread."""
        adelete = getattr(instance, "adelete", None)
        if adelete is not None:
            await adelete()
        else:
            await sync_to_async(instance.delete, thread_sensitive=True)()


class ListModelMixin(mixins.ListModelMixin):
    """DRF's ``list`` through :meth:`paginated_response` (response serializer, PostFetch)."""

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Respond with the (paginated) filtered queryset."""
        view: Any = self
        queryset = view.filter_queryset(view.get_queryset())
        return view.paginated_response(queryset, post_fetches=view.get_post_fetches())


class RetrieveModelMixin(mixins.RetrieveModelMixin):
    """DRF's ``retrieve`` through :meth:`serialized_response`."""

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Respond with one object (404 when missing)."""
        view: Any = self
        return view.serialized_response(view.get_object(), post_fetches=view.get_post_fetches())


class CreateModelMixin(_WriteResponse, mixins.CreateModelMixin):
    """DRF's ``create`` with the request/response serializer split."""

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Create an object from the request body."""
        view: Any = self
        serializer = view.validated_serializer()
        view.perform_create(serializer)
        data = self._written_data(serializer)
        return Response(
            data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data)
        )


class UpdateModelMixin(_WriteResponse, mixins.UpdateModelMixin):
    """DRF's ``update``/``partial_update`` with the request/response serializer split."""

    def update(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Replace (``partial=True``: patch) one object."""
        view: Any = self
        partial = kwargs.pop("partial", False)
        instance = view.get_object()
        serializer = view.validated_serializer(instance, partial=partial)
        view.perform_update(serializer)
        if not forget_prefetched(instance) and hasattr(instance, "refresh_from_db"):
            instance.refresh_from_db()
        return Response(self._written_data(serializer))


class DestroyModelMixin(mixins.DestroyModelMixin):
    """DRF's ``destroy`` (kept for a complete sync family)."""
