"""Deprecated alias of :mod:`restflow.settings.checks` (restflow's system checks); import from there."""

from restflow.settings.checks import *  # noqa: F403
from restflow.settings.checks import __all__  # noqa: F401
