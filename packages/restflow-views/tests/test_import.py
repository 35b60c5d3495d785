"""restflow-views installs its seven subpackages, importable module by module, at its declared version."""

from __future__ import annotations

from testsupport.distribution import DistributionChecks
from viewtests import SUBPACKAGES


class TestRestflowViews(DistributionChecks):
    distribution = "restflow-views"
    subpackages = SUBPACKAGES
