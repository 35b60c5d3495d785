"""restflow-jwt installs restflow.authentication, importable module by module, at its declared version."""

from __future__ import annotations

from testsupport.distribution import DistributionChecks


class TestRestflowJwt(DistributionChecks):
    distribution = "restflow-jwt"
    subpackages = ("restflow.authentication",)
