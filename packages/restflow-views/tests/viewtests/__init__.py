"""Test app for the view tests.

Importing it (Django does so while loading INSTALLED_APPS, before any model
exists) imports every restflow-views module: a module that touches models or
the database at import time breaks the whole test session here.
"""

import importlib
import pkgutil

import restflow.pagination
import restflow.responses
import restflow.serializers
import restflow.test
import restflow.throttling
import restflow.views

for _package in (
    restflow.views,
    restflow.serializers,
    restflow.pagination,
    restflow.throttling,
    restflow.responses,
    restflow.test,
):
    for _module in pkgutil.walk_packages(_package.__path__, _package.__name__ + "."):
        importlib.import_module(_module.name)
