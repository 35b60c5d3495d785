"""``ActionConfig``: per-action overrides of a viewset's attributes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

from django.db.models import Manager, QuerySet

from restflow.views.helpers import UNSET

__all__ = ["ActionConfig"]

_STANDARD_ACTIONS = frozenset(
    {"list", "retrieve", "create", "update", "partial_update", "destroy", "metadata"}
)


@dataclass(frozen=True)
class ActionConfig:
    """The attributes one viewset action uses instead of the class's.

    Every field is optional: an unset field falls through to the class
    attribute. ``None`` is a value (``pagination_class=None`` turns
    pagination off for that action).
    """

    queryset: Any = UNSET
    serializer_class: Any = UNSET
    request_serializer_class: Any = UNSET
    response_serializer_class: Any = UNSET
    pagination_class: Any = UNSET
    permission_classes: Any = UNSET
    authentication_classes: Any = UNSET
    throttle_classes: Any = UNSET
    filter_backends: Any = UNSET
    filterset_class: Any = UNSET
    parser_classes: Any = UNSET
    renderer_classes: Any = UNSET

    def __post_init__(self) -> None:
        for name, value in self.overrides().items():
            if name == "queryset":
                if not isinstance(value, (QuerySet, Manager)):
                    raise TypeError(
                        f"ActionConfig.queryset must be a QuerySet or a Manager, got {value!r}."
                    )
            elif name.endswith("_classes") or name == "filter_backends":
                if not isinstance(value, (list, tuple)):
                    raise TypeError(
                        f"ActionConfig.{name} must be a list of classes, got {value!r}: "
                        f"write {name}=[{getattr(value, '__name__', value)}]."
                    )
            elif value is not None and not isinstance(value, type):
                raise TypeError(f"ActionConfig.{name} must be a class or None, got {value!r}.")

    def overrides(self) -> dict[str, Any]:
        """The fields that are set, as ``{attribute: value}``."""
        return {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if getattr(self, field.name) is not UNSET
        }


class ActionConfigMixin:
    """Applies ``action_configs`` for the action a request routes to.

    The overrides are compiled at class creation; a request only copies the
    chosen action's values onto the view instance, before authentication,
    so every DRF getter (``get_permissions``, ``get_authenticators``,
    ``get_throttles``, ``filter_backends``, ``get_serializer_class``,
    ``get_pagination_class``, …) sees them.
    """

    action_configs: ClassVar[dict[str, ActionConfig]] = {}
    _action_overrides: ClassVar[dict[str, dict[str, Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # read along the MRO: configs declared on a mixin apply to the classes using it
        configs = getattr(cls, "action_configs", None)
        if configs is None:
            return
        where = f"{cls.__module__}.{cls.__qualname__}.action_configs"
        if not isinstance(configs, dict):
            raise TypeError(f"{where} must be a dict of action name -> ActionConfig.")
        extra = {action.__name__ for action in getattr(cls, "get_extra_actions", list)()}
        overrides: dict[str, dict[str, Any]] = {}
        for action, config in configs.items():
            if not isinstance(config, ActionConfig):
                raise TypeError(f"{where}[{action!r}] must be an ActionConfig, got {config!r}.")
            if action not in _STANDARD_ACTIONS and action not in extra:
                known = ", ".join(sorted(_STANDARD_ACTIONS | extra))
                raise TypeError(f"{where} names an unknown action {action!r} (known: {known}).")
            overrides[action] = config.overrides()
        cls._action_overrides = overrides

    @classmethod
    def get_action_overrides(cls, action: str | None) -> dict[str, Any]:
        """The attributes ``action`` uses instead of the class's, as ``{attribute: value}``.

        What its :class:`ActionConfig` sets (``{}`` for an action without one);
        schema generators apply it to document each action as it runs.
        """
        return dict(cls._action_overrides.get(action) or {}) if action else {}

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """Apply the routed action's overrides, then build DRF's request."""
        action_map = getattr(self, "action_map", None)
        if action_map and self._action_overrides:
            method = (request.method or "").lower()
            action = "metadata" if method == "options" else action_map.get(method)
            chosen = self._action_overrides.get(action) if action else None
            if chosen:
                self.__dict__.update(chosen)
        return super().initialize_request(request, *args, **kwargs)  # type: ignore[misc]
