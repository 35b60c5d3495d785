"""restflow-cache installs restflow.caching, importable module by module, at its declared version."""

from __future__ import annotations

from testsupport.distribution import DistributionChecks


class TestRestflowCache(DistributionChecks):
    distribution = "restflow-cache"
    subpackages = ("restflow.caching",)
