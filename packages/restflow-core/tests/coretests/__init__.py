"""Test app for restflow-core.

Importing it (the first thing Django does while loading INSTALLED_APPS, before
any models exist) imports every restflow-core module: a module that touches
models or the database at import time breaks the whole test session here.
"""

from testsupport.distribution import import_every_module

SUBPACKAGES = (
    "restflow.core",
    "restflow.asynccache",
    "restflow.exceptions",
    "restflow.parsers",
    "restflow.permissions",
    "restflow.settings",
    "restflow.typemap",
)
"""What the distribution ships (its test_import.py checks the same)."""

import_every_module(*SUBPACKAGES)
