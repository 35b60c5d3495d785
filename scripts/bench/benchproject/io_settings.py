"""Settings of the I/O-bound bench (``io_bound.py``): the bench project's, with its own URLs.

Everything else is ``settings.py`` unchanged: ``DEBUG = False``, no middleware, no
database query on any request. ``RESTFLOW_BENCH_UPSTREAM`` (read by ``io_views``) is the
URL of the slow upstream service that every I/O-bound view calls.
"""

from __future__ import annotations

from benchproject.settings import *  # noqa: F403

ROOT_URLCONF = "benchproject.io_urls"
