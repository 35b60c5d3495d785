"""Test app for the view tests.

Importing it (Django does so while loading INSTALLED_APPS, before any model
exists) imports every restflow-views module: a module that touches models or
the database at import time breaks the whole test session here.
"""

from testsupport.distribution import import_every_module

SUBPACKAGES = (
    "restflow.views",
    "restflow.serializers",
    "restflow.pagination",
    "restflow.throttling",
    "restflow.responses",
    "restflow.test",
    "restflow.services",
)
"""What the distribution ships (its test_import.py checks the same)."""

import_every_module(*SUBPACKAGES)
