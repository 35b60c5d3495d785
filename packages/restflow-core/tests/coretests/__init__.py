"""Test app for restflow-core.

Importing it (the first thing Django does while loading INSTALLED_APPS, before
any models exist) imports every restflow-core module: a module that touches
models or the database at import time breaks the whole test session here.
"""

import importlib
import pkgutil

import restflow.asynccache
import restflow.core
import restflow.exceptions
import restflow.parsers
import restflow.permissions
import restflow.settings
import restflow.typemap

for _package in (
    restflow.core,
    restflow.asynccache,
    restflow.exceptions,
    restflow.parsers,
    restflow.permissions,
    restflow.settings,
    restflow.typemap,
):
    for _module in pkgutil.walk_packages(_package.__path__, _package.__name__ + "."):
        importlib.import_module(_module.name)
