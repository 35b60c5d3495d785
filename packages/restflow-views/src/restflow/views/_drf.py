"""DRF callables the async views may call on the event loop (they do no I/O)."""

from __future__ import annotations

from rest_framework import generics

from restflow.core import mark_loop_safe

# ``queryset.all()`` builds a lazy QuerySet: no query runs.
mark_loop_safe(generics.GenericAPIView.get_queryset)
