"""restflow-core installs its seven subpackages, importable module by module, at its declared version."""

from __future__ import annotations

from testsupport.distribution import DistributionChecks


class TestRestflowCore(DistributionChecks):
    distribution = "restflow-core"
    subpackages = (
        "restflow.core",
        "restflow.asynccache",
        "restflow.exceptions",
        "restflow.parsers",
        "restflow.permissions",
        "restflow.settings",
        "restflow.typemap",
    )
