"""restflow-views installs its six subpackages, importable module by module, at its declared version."""

from __future__ import annotations

from testsupport.distribution import DistributionChecks


class TestRestflowViews(DistributionChecks):
    distribution = "restflow-views"
    subpackages = (
        "restflow.views",
        "restflow.serializers",
        "restflow.pagination",
        "restflow.throttling",
        "restflow.responses",
        "restflow.test",
    )
