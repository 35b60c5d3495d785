"""docs/example's settings with one more URL (``example_crash_urls``): crashes on purpose.

The example has no endpoint that fails: these settings let the hostile suite check, over
HTTP with ``DEBUG`` off, that the example's ``handler500`` and ``handler403`` answer in the
envelope and show nothing of the exception. Everything else is the example's.
"""

from example.settings import *  # noqa: F403

ROOT_URLCONF = "hostile_project.example_crash_urls"
