"""System checks for throttling, tag ``restflow`` (registered as this module loads, and by the app).

- ``restflow_throttling.E001``: a rate in ``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']``
  is not ``'<count>/<period>'`` (or ``None``); the message names the scope.
- ``restflow_throttling.E002``: a restflow throttle in ``DEFAULT_THROTTLE_CLASSES``
  has no rate for its scope, or names a cache alias missing from ``CACHES``.

Ids carry the app label, ``restflow_throttling``; the ``restflow_views.*`` ids used
before still silence them (:data:`FORMER_IDS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from rest_framework.settings import api_settings

from restflow.asynccache import parse_rate
from restflow.settings.checks import honour_former_ids
from restflow.throttling.simple import SimpleRateThrottle

__all__ = ["BAD_RATE_ERROR", "FORMER_IDS", "THROTTLE_CLASS_ERROR", "check_throttle_rates"]

BAD_RATE_ERROR = "restflow_throttling.E001"
THROTTLE_CLASS_ERROR = "restflow_throttling.E002"
FORMER_IDS = {BAD_RATE_ERROR: "restflow_views.E001", THROTTLE_CLASS_ERROR: "restflow_views.E002"}
"""Current id -> the id the check had before ids followed the app label."""
_HINT = "Rates read '<count>/<period>' with period s, m, h or d, e.g. '100/hour'; None disables."


@checks.register("restflow")
@honour_former_ids(FORMER_IDS)
def check_throttle_rates(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Check DRF's throttle rates and the restflow throttles in ``DEFAULT_THROTTLE_CLASSES``."""
    errors: list[checks.CheckMessage] = []
    rates = api_settings.DEFAULT_THROTTLE_RATES or {}
    for scope, rate in rates.items():
        if rate is None:
            continue
        try:
            parse_rate(rate)
        except ValueError as exc:
            errors.append(
                checks.Error(
                    f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'][{scope!r}]: {exc}",
                    hint=_HINT,
                    id=BAD_RATE_ERROR,
                )
            )
    throttle_classes: list[Any] = list(api_settings.DEFAULT_THROTTLE_CLASSES)
    for throttle_class in throttle_classes:
        if isinstance(throttle_class, type) and issubclass(throttle_class, SimpleRateThrottle):
            errors.extend(_check_class(throttle_class, rates))
    return errors


def _check_class(cls: type[SimpleRateThrottle], rates: Any) -> list[checks.CheckMessage]:
    name = f"{cls.__module__}.{cls.__qualname__}"
    errors: list[checks.CheckMessage] = []
    own_rates = cls.THROTTLE_RATES if cls.THROTTLE_RATES is not None else rates
    if cls.scope and not cls.rate and cls.scope not in own_rates:
        errors.append(
            checks.Error(
                f"{name} in DEFAULT_THROTTLE_CLASSES has no rate for its scope {cls.scope!r}.",
                hint=f"Add {cls.scope!r} to REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'].",
                obj=cls,
                id=THROTTLE_CLASS_ERROR,
            )
        )
    if cls.cache is None and cls.cache_alias not in settings.CACHES:
        errors.append(
            checks.Error(
                f"{name}.cache_alias is {cls.cache_alias!r}, which is not in CACHES.",
                hint="Name a configured cache alias, or add that alias to CACHES.",
                obj=cls,
                id=THROTTLE_CLASS_ERROR,
            )
        )
    return errors
