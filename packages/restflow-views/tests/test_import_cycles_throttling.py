"""restflow's throttles work when ``DEFAULT_THROTTLE_CLASSES`` names them (fresh interpreters)."""

from __future__ import annotations

import pytest
from test_import_cycles import ORDERS, run_fresh

THROTTLES = {
    "AnonRateThrottle": "restflow.throttling.standard.AnonRateThrottle",
    "UserRateThrottle": "restflow.throttling.standard.UserRateThrottle",
    "ScopedRateThrottle": "restflow.throttling.standard.ScopedRateThrottle",
}


@pytest.mark.parametrize("order", [*ORDERS, "throttling-first"])
@pytest.mark.parametrize("public", sorted(THROTTLES))
def test_each_throttle_as_a_default_throttle_class(public: str, order: str) -> None:
    first = ["restflow.throttling"] if order == "throttling-first" else ORDERS[order]
    result = run_fresh(
        {
            "DEFAULT_THROTTLE_CLASSES": [f"restflow.throttling.{public}"],
            "DEFAULT_THROTTLE_RATES": {"anon": "5/min", "user": "5/min"},
            "DEFAULT_PAGINATION_CLASS": "restflow.pagination.PageNumberPagination",
        },
        first,
    )
    assert result["throttles"] == [THROTTLES[public]]
