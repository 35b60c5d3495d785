"""restflow-core installs its seven subpackages, importable module by module, at its declared version."""

from __future__ import annotations

from coretests import SUBPACKAGES
from testsupport.distribution import DistributionChecks


class TestRestflowCore(DistributionChecks):
    distribution = "restflow-core"
    subpackages = SUBPACKAGES
