"""restflow-filters installs restflow.filters, importable module by module, at its declared version."""

from __future__ import annotations

from testsupport.distribution import DistributionChecks


class TestRestflowFilters(DistributionChecks):
    distribution = "restflow-filters"
    subpackages = ("restflow.filters",)
