"""restflow.throttling: DRF-shaped rate throttles with atomic counting and an async path.

``AnonRateThrottle``, ``UserRateThrottle``, ``ScopedRateThrottle`` and the
``SimpleRateThrottle`` base read DRF's ``DEFAULT_THROTTLE_RATES`` and work in
``throttle_classes`` of DRF's ``APIView`` (sync) and restflow's async views.
"""

from __future__ import annotations

from restflow.throttling.base import BaseThrottle
from restflow.throttling.simple import SimpleRateThrottle
from restflow.throttling.standard import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

__all__ = [
    "AnonRateThrottle",
    "BaseThrottle",
    "ScopedRateThrottle",
    "SimpleRateThrottle",
    "UserRateThrottle",
]
