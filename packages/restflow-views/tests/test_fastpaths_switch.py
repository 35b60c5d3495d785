"""``RESTFLOW_FAST_PATHS=0`` turns off every fast path of restflow-views (fresh interpreters).

The switch is read once, when each ``_fastpaths`` module loads: each case
runs in a new interpreter with the variable set (or not).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

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
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, **environ},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_the_switch_turns_every_fast_path_off() -> None:
    assert _flags(RESTFLOW_FAST_PATHS="0") == {
        "serializers": False,
        "views": False,
    }
