"""Deprecated alias of :mod:`restflow.typemap` (the type → field map); import from there."""

from restflow.typemap import *  # noqa: F403
from restflow.typemap import __all__  # noqa: F401
