"""restflow's pytest plugin loads before Django's settings exist.

pytest imports entry-point plugins before pytest-django (or a conftest) configures
settings; importing ``restflow.test.pytest_plugin`` then must not read a setting.
"""

from __future__ import annotations

import os

from testsupport.processes import python


def test_the_pytest_plugin_imports_without_django_settings() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    code = "import restflow.test.pytest_plugin, restflow.test; print(restflow.test.force_authenticate.__name__)"
    assert python(code, env=env).split() == ["force_authenticate"]
