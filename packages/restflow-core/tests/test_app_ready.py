"""What ``"restflow.core"`` in ``INSTALLED_APPS`` or the first async view class switches on.

Importing restflow-core switches on nothing.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import restflow.core
from restflow.core import dispatch

_SCRIPT = textwrap.dedent(
    """
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="ready",
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", *APPS],
    )
    import restflow.core.dispatch  # importing the loop changes nothing
    from rest_framework.authentication import SessionAuthentication
    from rest_framework.permissions import AllowAny
    from rest_framework.renderers import JSONRenderer
    from restflow.core import hook_mode, is_loop_safe

    def state():
        return (
            is_loop_safe(AllowAny.has_permission),
            is_loop_safe(JSONRenderer.render),
            hook_mode(SessionAuthentication, "authenticate").name,
        )

    print("IMPORTED", state())
    django.setup()
    print("READY", state())

    class View(restflow.core.dispatch.BaseAsyncAPIView):
        pass

    print("VIEW", state())
    """
)


def _run(apps: list[str]) -> list[str]:
    code = f"APPS = {apps!r}\n{_SCRIPT}"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    ("apps", "ready"),
    [
        (["restflow.core"], "READY (True, True, 'TWIN')"),
        ([], "READY (False, False, 'THREAD')"),
    ],
    ids=["installed", "not-installed"],
)
def test_the_app_or_the_first_view_class_not_an_import_keeps_drf_hooks_on_the_loop(
    apps: list[str], ready: str
) -> None:
    on = "(True, True, 'TWIN')"
    assert _run(apps) == ["IMPORTED (False, False, 'THREAD')", ready, f"VIEW {on}"]


def test_base_async_api_view_is_the_core_view_and_async_api_view_its_alias() -> None:
    assert restflow.core.BaseAsyncAPIView is dispatch.BaseAsyncAPIView
    assert restflow.core.AsyncAPIView is dispatch.AsyncAPIView is dispatch.BaseAsyncAPIView
    assert dispatch.BaseAsyncAPIView.__name__ == "BaseAsyncAPIView"


def test_every_public_name_of_restflow_core_imports_from_restflow_core() -> None:
    for name in restflow.core.__all__:
        assert getattr(restflow.core, name) is not None, name
    assert set(restflow.core.__all__) <= set(dir(restflow.core))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        restflow.core.nothing  # noqa: B018
