"""restflow-spectacular installs restflow.spectacular, importable module by module, at its declared version."""

from __future__ import annotations

from testsupport.distribution import DistributionChecks


class TestRestflowSpectacular(DistributionChecks):
    distribution = "restflow-spectacular"
    subpackages = ("restflow.spectacular",)
