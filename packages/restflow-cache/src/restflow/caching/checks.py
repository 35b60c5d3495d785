"""System checks of restflow-cache; ids carry the app label, ``restflow_caching``.

- ``restflow_caching.E001``: the configured cache alias is missing, or the partition
  strategy does not fit its backend.
- ``restflow_caching.E002``: an invalidation rule is broken (unknown model or field,
  an invalidator that cannot be imported).
- ``restflow_caching.E003``: a cached function names a cache alias that is missing.

``RestflowCachingConfig.ready()`` registers them, with the dispatchers' checks
(``E101``-``E104``). The former ids still silence them (:data:`FORMER_IDS`).
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from restflow.caching.invalidation.rule import all_rules, resolve_pending_rules
from restflow.caching.registry import all_wrappers
from restflow.caching.settings import CACHE_SETTINGS
from restflow.caching.stores import get_store
from restflow.settings.checks import honour_former_ids

__all__ = ["ALIAS_ERROR", "FORMER_IDS", "FUNCTION_ALIAS_ERROR", "RULE_ERROR", "check_caching"]

ALIAS_ERROR = "restflow_caching.E001"
RULE_ERROR = "restflow_caching.E002"
FUNCTION_ALIAS_ERROR = "restflow_caching.E003"

FORMER_IDS = {
    ALIAS_ERROR: "restflow_cache.E001",
    RULE_ERROR: "restflow_cache.E002",
    FUNCTION_ALIAS_ERROR: "restflow_cache.E003",
}
"""Current id -> the id the check had before ids followed the app label."""


@honour_former_ids(FORMER_IDS)
def check_caching(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Check the cache settings, every cached function and every invalidation rule.

    Registered (tag ``caches``) by the app's ``ready()``.
    """
    errors: list[checks.CheckMessage] = []
    try:
        alias = CACHE_SETTINGS.CACHE_ALIAS
    except ImproperlyConfigured:
        return []  # restflow_core.E002 (restflow-core) reports invalid settings
    try:
        get_store(alias)
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id=ALIAS_ERROR))
    for wrapper in all_wrappers():
        if wrapper.cache_alias and wrapper.cache_alias != alias:
            try:
                get_store(wrapper.cache_alias)
            except ImproperlyConfigured as exc:
                errors.append(checks.Error(f"{wrapper.identifier}: {exc}", id=FUNCTION_ALIAS_ERROR))
    try:
        resolve_pending_rules()
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id=RULE_ERROR))
    for rule in all_rules():
        errors.extend(checks.Error(p, id=RULE_ERROR) for p in rule.problems())
    return errors
