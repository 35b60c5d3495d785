"""Deprecated alias of :mod:`restflow.settings` (settings and their validation); import from there."""

from restflow.settings import *  # noqa: F403
from restflow.settings import __all__  # noqa: F401
