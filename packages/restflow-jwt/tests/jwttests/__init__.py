"""Test app for restflow-jwt.

Importing it (the first thing Django does while loading INSTALLED_APPS, before
any models exist) imports every restflow.authentication module that may be
imported then: a module that reads settings or the database at import time
breaks the whole test session here. Models, migrations and management
commands are loaded by Django itself, later.
"""

import importlib
import pkgutil

import restflow.authentication

_LOADED_BY_DJANGO = (".models", ".migrations", ".management")

for _module in pkgutil.walk_packages(
    restflow.authentication.__path__, restflow.authentication.__name__ + "."
):
    if not any(part in _module.name for part in _LOADED_BY_DJANGO):
        importlib.import_module(_module.name)
