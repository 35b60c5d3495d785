"""``RESTFLOW_FAST_PATHS=0`` turns off every fast path of restflow-views (fresh interpreters).

The switch is read once, when each ``_fastpaths`` module loads: each case
runs in a new interpreter with the variable set (or not).
"""

from __future__ import annotations

import os

from testsupport.processes import python_json

_SCRIPT = """
import json
import django
from django.conf import settings

settings.configure(INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"])
django.setup()
from restflow.serializers import _fastpaths as serializers
from restflow.views import _fastpaths as views

print(json.dumps({
    "serializers": serializers.GENERATED_PLANS,
    "views": views.FORGET_PREFETCHED,
}))
"""


def _flags(**environ: str) -> dict[str, bool]:
    env = {key: value for key, value in os.environ.items() if key != "RESTFLOW_FAST_PATHS"}
    return dict(python_json(_SCRIPT, env={**env, **environ}))


def test_the_switch_turns_every_fast_path_off() -> None:
    assert _flags(RESTFLOW_FAST_PATHS="0") == {
        "serializers": False,
        "views": False,
    }
