"""A throttle that implements only ``allow_request`` answers ``aallow_request`` too
(issue 19, item 9): a ``BaseThrottle`` of one's own, and a sync override of a shipped one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from restflow.core.testing import count_hops
from restflow.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)


class EveryOther(BaseThrottle):
    """Written the DRF way: a sync ``allow_request`` only."""

    def __init__(self) -> None:
        self.calls = 0

    def allow_request(self, request: Any, view: Any) -> bool:
        self.calls += 1
        return self.calls % 2 == 1


async def test_a_base_throttle_subclass_answers_aallow_request_in_one_hop() -> None:
    throttle = EveryOther()
    request = RequestFactory().get("/")
    with count_hops() as hops:
        answers = [await throttle.aallow_request(request, None) for _ in range(3)]
    assert answers == [True, False, True]
    assert len(hops) == 3  # one per call
    assert throttle.allow_request(request, None) is False  # the sync side is the same count


@pytest.mark.parametrize(
    "base", [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle, SimpleRateThrottle]
)
async def test_a_sync_override_of_a_shipped_throttle_is_used_on_the_async_path(
    base: type,
) -> None:
    class Closed(base):  # type: ignore[misc, valid-type]
        rate = "1/min"
        scope = "closed"

        def allow_request(self, request: Any, view: Any) -> bool:
            return False

    assert await Closed().aallow_request(RequestFactory().get("/"), None) is False
