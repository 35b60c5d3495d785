"""Minimal Django settings for mypy's django-stubs plugin (``hatch run types:check``).

Not used at run time. List here every restflow app that defines models, so
the plugin can type them.
"""

SECRET_KEY = "mypy-only"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "restflow.core",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
