"""``ServiceViewSet`` / ``AsyncServiceViewSet``: one spec per action, ``service_specs``.

::

    class AuthorViewSet(AsyncServiceViewSet):
        queryset = Author.objects.all()
        service_specs = {
            "list": list_authors,                      # a bare selector
            "retrieve": aget_author,
            "create": ServiceSpec(service=create_author, input_serializer=AuthorIn),
        }
        action_configs = {"create": ActionConfig(permission_classes=[IsAdminUser])}

The standard actions named in ``service_specs`` get their handler (``list``
and ``retrieve`` take selectors, the others services); a custom ``@action``
runs its own entry with ``return self.respond()`` (``await self.arespond()``).
``action_configs`` apply as on any restflow viewset: the output falls back to
the action's serializer classes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rest_framework.response import Response

from restflow.services.viewcore import ACTIONS, Traits
from restflow.services.views import ServiceViewMixin
from restflow.views import AsyncGenericViewSet, GenericViewSet

__all__ = ["AsyncServiceViewSet", "ServiceViewSet"]

_DETAIL = Traits(fetches_instance=True)


def _sync_handler(action: str) -> Callable[..., Response]:
    def handler(self: ServiceViewMixin, request: Any, *args: Any, **kwargs: Any) -> Response:
        return self.respond()

    handler.__name__ = handler.__qualname__ = action
    handler.__doc__ = f"Run ``service_specs[{action!r}]``."
    return handler


def _async_handler(action: str) -> Callable[..., Any]:
    async def handler(self: ServiceViewMixin, request: Any, *args: Any, **kwargs: Any) -> Response:
        return await self.arespond()

    handler.__name__ = handler.__qualname__ = action
    handler.__doc__ = f"Run ``service_specs[{action!r}]``."
    return handler


class _ServiceSpecs(ServiceViewMixin):
    """``service_specs`` read at class creation: handlers for the standard actions named."""

    service_specs: ClassVar[dict[str, Any]] = {}
    _make_handler: ClassVar[Any]  # a staticmethod: action name -> handler

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        specs = cls.__dict__.get("service_specs")
        if specs is None:
            return
        if not isinstance(specs, dict) or not all(isinstance(key, str) for key in specs):
            raise TypeError(
                f"{cls.__qualname__}.service_specs must be a dict of action name -> spec."
            )
        for action in specs:
            if action in ACTIONS and action not in cls.__dict__:
                setattr(cls, action, cls._make_handler(action))

    @classmethod
    def declared_specs(cls) -> dict[str | None, tuple[object, str]]:
        """``{action: (declaration, role)}``; a custom action's bare callable is a service."""
        return {
            action: (value, ACTIONS[action][0] if action in ACTIONS else "any")
            for action, value in cls.service_specs.items()
        }

    @classmethod
    def traits_for(cls, action: str | None) -> Traits:
        """The standard action's traits; a custom ``detail=True`` action fetches ``instance``."""
        entry = ACTIONS.get(action or "")
        if entry is not None:
            return entry[1]
        method = getattr(cls, action or "", None)  # ``@action`` marks it ``detail``
        return _DETAIL if getattr(method, "detail", False) else cls.traits


class ServiceViewSet(_ServiceSpecs, GenericViewSet):
    """A sync viewset whose actions run ``service_specs`` (restflow's ``GenericViewSet``)."""

    _make_handler = staticmethod(_sync_handler)


class AsyncServiceViewSet(_ServiceSpecs, AsyncGenericViewSet):
    """The async twin of :class:`ServiceViewSet` (restflow's ``AsyncGenericViewSet``)."""

    _make_handler = staticmethod(_async_handler)
