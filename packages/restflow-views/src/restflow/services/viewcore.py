"""The I/O-free part of the service views: which spec runs, with which names, rendered how.

Specs are resolved and checked once per class, when ``as_view()`` (or a
router's ``as_view``) is called: a bare callable becomes a spec, and a
callable needing a name the view never passes is a ``TypeError`` there.
The sync and async views (:mod:`restflow.services.views`) only add the I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rest_framework import status as http

from restflow.services.spec import SelectorSpec, ServiceSpec, as_selector_spec, as_service_spec

__all__ = ["ACTIONS", "Output", "ServiceViewCore", "Spec", "Traits", "resolve_spec"]

Spec = ServiceSpec | SelectorSpec


def resolve_spec(value: object, role: str, owner: str) -> Spec:
    """``value`` (a spec or a bare callable) as the spec of a ``role`` (service or selector)."""
    if role == "selector":
        return as_selector_spec(value, owner)
    if role == "service":
        return as_service_spec(value, owner)
    return (
        value if isinstance(value, (ServiceSpec, SelectorSpec)) else as_service_spec(value, owner)
    )


class Output(enum.Enum):
    """How a result becomes a response."""

    EMPTY = "empty"  # no body
    RAW = "raw"  # the result as it is (a dict, a list, a number, ...)
    ONE = "one"  # one object through a serializer
    MANY = "many"  # a sequence through a serializer, unpaginated
    PAGE = "page"  # a queryset or list through the paginator and a serializer


@dataclass(frozen=True, slots=True)
class Traits:
    """How one action answers: its success status, a collection or not, where ``instance`` comes from."""

    success_status: int = http.HTTP_200_OK
    many: bool = False  # a collection (paginated when the view has a paginator)
    fetches_instance: bool = (
        False  # ``instance`` from ``get_object()`` when the view has a queryset
    )
    none_is_not_found: bool = False  # a ``None`` result is a 404 (a retrieve found nothing)


_PLAIN = (Mapping, str, int, float, bool)

# the standard viewset actions: the role of their spec and how they answer
ACTIONS: dict[str, tuple[str, Traits]] = {
    "list": ("selector", Traits(many=True)),
    "retrieve": ("selector", Traits(none_is_not_found=True)),
    "create": ("service", Traits(success_status=http.HTTP_201_CREATED)),
    "update": ("service", Traits(fetches_instance=True)),
    "partial_update": ("service", Traits(fetches_instance=True)),
    "destroy": ("service", Traits(fetches_instance=True)),
}


class ServiceViewCore:
    """Spec resolution, injected names and output decisions shared by every service view."""

    spec: ClassVar[Any] = None
    # what a single view's ``spec`` is: "service" or "selector"
    spec_role: ClassVar[str] = "service"
    # how a single view answers
    traits: ClassVar[Traits] = Traits()

    _specs: ClassVar[dict[str | None, Spec]]

    # these come from DRF's views
    request: Any
    kwargs: dict[str, Any]
    lookup_field: str
    lookup_url_kwarg: str | None
    queryset: Any

    # -- declaration time --------------------------------------------------------

    @classmethod
    def declared_specs(cls) -> dict[str | None, tuple[object, str]]:
        """``{action: (declaration, role)}``: ``None`` is a single view's one action."""
        if cls.spec is None:
            raise TypeError(
                f"{cls.__qualname__} declares no spec: set spec = ServiceSpec(...) or a callable."
            )
        return {None: (cls.spec, cls.spec_role)}

    @classmethod
    def check_specs(cls) -> dict[str | None, Spec]:
        """Resolve and check the class's specs once; ``TypeError`` naming the culprit."""
        if "_specs" in vars(cls):
            return cls._specs
        lookup = getattr(cls, "lookup_url_kwarg", None) or getattr(cls, "lookup_field", None)
        available = (lookup,) if lookup else ()
        specs: dict[str | None, Spec] = {}
        for action, (value, role) in cls.declared_specs().items():
            owner = (
                cls.__qualname__
                if action is None
                else f"{cls.__qualname__}.service_specs[{action!r}]"
            )
            spec = specs[action] = resolve_spec(value, role, owner)
            spec.check_names(available, instance=cls.traits_for(action).fetches_instance)
        cls._specs = specs
        return specs

    # -- request time -------------------------------------------------------------

    def find_spec(self) -> Spec | None:
        """The spec this request runs (the action's, in a viewset), ``None`` if it has none."""
        specs = type(self).check_specs()
        return specs.get(None) or specs.get(getattr(self, "action", None))

    def get_spec(self) -> Spec:
        """The spec this request runs; ``TypeError`` when the action has none."""
        spec = self.find_spec()
        if spec is None:
            action = getattr(self, "action", None)
            raise TypeError(
                f"{type(self).__qualname__}.service_specs has no spec for action {action!r}."
            )
        return spec

    @classmethod
    def traits_for(cls, action: str | None) -> Traits:
        """How ``action`` answers (the class's ``traits`` for a single view)."""
        return cls.traits

    def get_traits(self) -> Traits:
        """How this request's action answers."""
        return self.traits_for(getattr(self, "action", None))

    def names(self, **extra: Any) -> dict[str, Any]:
        """What a callable may declare: request, user, view, URL kwargs, and ``extra``."""
        request = self.request
        return {"request": request, "user": request.user, "view": self, **self.kwargs, **extra}

    def has_instance_source(self) -> bool:
        """Whether ``instance`` comes from ``get_object()`` (the view declares a queryset)."""
        return self.get_traits().fetches_instance and getattr(self, "queryset", None) is not None

    def output_serializer(self, spec: Spec) -> Any:
        """The spec's ``output_serializer``, else the view's response serializer, else ``None``.

        Only objects are serialized: a result that is a mapping or a scalar is sent as it is.
        """
        if spec.output_serializer is not None:
            return spec.output_serializer
        for name in ("response_serializer_class", "serializer_class"):
            value = getattr(self, name, None)
            if value is not None:
                return value
        return None

    def output(self, spec: Spec, result: Any) -> tuple[Output, Any, int]:
        """``(how, serializer_class, status)`` for ``result``."""
        traits = self.get_traits()
        status = getattr(spec, "success_status", None) or traits.success_status
        if result is None:
            return Output.EMPTY, None, http.HTTP_204_NO_CONTENT
        # a mapping or a scalar is already data; objects go through a serializer
        serializer = None if isinstance(result, _PLAIN) else self.output_serializer(spec)
        if serializer is None:
            return Output.RAW, None, status
        if not traits.many:
            return Output.ONE, serializer, status
        paginated = getattr(self, "paginator", None) is not None
        return (Output.PAGE if paginated else Output.MANY), serializer, status


def input_kwargs(method: str) -> Mapping[str, Any]:
    """Serializer arguments for the request method: PATCH validates a partial body."""
    return {"partial": True} if method == "PATCH" else {}
