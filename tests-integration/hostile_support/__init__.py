"""Helpers for tests-integration/test_hostile.py: hostile HTTP clients and their targets.

- ``wire``: requests written byte by byte over asyncio sockets (malformed ones too),
  from a chosen loopback source address, and the replies parsed;
- ``jwtcraft``: tokens an attacker forges (nested JSON, ``alg: none``, key confusion);
- ``targets``: the served projects (``Target``) and a client of one (``Probe``);
- ``attacks``: the table of single-request attacks and what each must be answered;
- ``scenarios``: the table of multi-request attacks, each asserting its answers;
- ``soak``: the bounded mixed load against two workers;
- ``project/``: a small Django project (``hostile_project``) for what the example has no
  endpoint for: RS256 tokens with an issuer and an audience, ``LEEWAY`` and short
  lifetimes, rotating refresh tokens, cached views with absolute URLs and a ``Vary``
  header, a view with a ``timeout``, sync and async views side by side.
"""
