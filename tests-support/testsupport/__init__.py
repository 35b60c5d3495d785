"""Test support shared by the package suites and tests-integration/ (never shipped).

No distribution ships it: ``tests-support/`` is on ``sys.path`` of every pytest run of
the repository through the root ``pyproject.toml`` (``[tool.pytest.ini_options]
pythonpath``), so each hatch test environment, which installs only its own
distributions, imports it without installing it. Each module holds one kind of helper:

- :mod:`testsupport.ci`: the one rule for "this run is CI" (a missing promised service
  or module fails there, skips elsewhere);
- :mod:`testsupport.services`: Redis and PostgreSQL from ``REDIS_URL`` / ``DATABASE_URL``;
- :mod:`testsupport.settings`: the Django settings every package suite starts from;
- :mod:`testsupport.processes`: subprocesses (workers, servers, fresh interpreters),
  free ports, waiting on a condition;
- :mod:`testsupport.brokers`: real Celery, RQ, django-q2 and dramatiq workers;
- :mod:`testsupport.clock`: a settable clock for the clocks restflow lets tests inject;
- :mod:`testsupport.distribution`: the checks every distribution's suite makes of itself.
"""
