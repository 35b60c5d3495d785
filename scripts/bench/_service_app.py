"""The project of ``service_create.py``: one model, one create endpoint written eight ways.

Every endpoint answers ``POST`` of :data:`BODY` (four fields, validated by a
serializer of the model) with 201 and the serialized row, after inserting one
``Author`` row into SQLite:

  drf                DRF ``CreateAPIView`` + a DRF ``ModelSerializer`` (``serializer.save()``;
                     no transaction: autocommit, DRF's default)
  drf-atomic         the same view in ``transaction.atomic()`` -- what ``ATOMIC_REQUESTS=True``
                     does to it (Django wraps the view so; a direct call does not go through it)
  peer               djangorestframework-services' ``ServiceCreateView`` (a sync DRF view)
                     running a sync service; the DRF ``ModelSerializer`` as input and, in an
                     ``output_selector_spec``, as output; ``atomic=True`` (its default)
  peer-async         the same with the ``async def`` service (bridged with ``async_to_sync``)
  restflow-async     ``AsyncServiceCreateView`` + an ``async def`` service, ``atomic=True``
                     (restflow's default), restflow's ``ModelSerializer`` in and out
  restflow-nonatomic the same with ``atomic=False``
  restflow-async-sync ``AsyncServiceCreateView`` running the sync service (one thread hop for
                     the block and the call), ``atomic=True``
  restflow-sync      ``ServiceCreateView`` (sync) + the sync service, ``atomic=True``

The database is a SQLite file in a temporary directory, in WAL mode with
``synchronous=NORMAL`` (a commit does not wait for the disk; ``--durable``
in ``service_create.py`` turns ``FULL`` on), so the figures are the
frameworks' and not the disk's. Django is configured in this process
(``setup``); ``application`` is the ASGI app uvicorn serves (the database
path from the environment).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import _django

DB_ENV = "RESTFLOW_SERVICE_BENCH_DB"
SYNC_ENV = "RESTFLOW_SERVICE_BENCH_SYNCHRONOUS"
BODY = {"name": "Ada Lovelace", "email": "ada@example.com", "age": 36, "bio": "Wrote the notes."}
KEYS = [
    "drf",
    "drf-atomic",
    "peer",
    "peer-async",
    "restflow-async",
    "restflow-nonatomic",
    "restflow-async-sync",
    "restflow-sync",
]
SYNC_KEYS = frozenset({"drf", "drf-atomic", "peer", "peer-async", "restflow-sync"})
TABLE = "service_bench_author"


def setup(db: Path, synchronous: str = "NORMAL") -> None:
    """Configure Django for the bench (``ROOT_URLCONF`` is this module) and create the table."""
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": db,
              "OPTIONS": {"init_command": f"PRAGMA synchronous={synchronous}"}}  # fmt: skip
    _django.configure_database({"default": sqlite}, "_service_app")
    model = app()["Author"]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        existing = connection.introspection.table_names(cursor)
    if TABLE not in existing:
        with connection.schema_editor() as editor:
            editor.create_model(model)
    connection.close()
    # One connection held open (and reading) for the whole run: with ``CONN_MAX_AGE = 0``
    # every request through Django's handler closes its own, and the last connection to
    # close a WAL database checkpoints it and deletes the log (an fsync per request).
    hold = sqlite3.connect(db)
    hold.execute("SELECT count(*) FROM sqlite_master").fetchone()
    _HOLD.append(hold)


_APP: dict[str, Any] = {}
_HOLD: list[sqlite3.Connection] = []


def app() -> dict[str, Any]:
    """Build (once) the model, serializers, services and views; Django must be set up."""
    if _APP:
        return _APP
    from django.db import models, transaction
    from django.http import HttpResponse
    from django.urls import path
    from rest_framework import generics, serializers
    from rest_framework_services import SelectorKind, SelectorSpec
    from rest_framework_services import ServiceCreateView as PeerCreateView
    from rest_framework_services import ServiceSpec as PeerSpec

    import restflow.serializers
    from restflow.services import AsyncServiceCreateView, ServiceCreateView, ServiceSpec

    class Author(models.Model):
        name = models.CharField(max_length=100)
        email = models.EmailField()
        age = models.PositiveSmallIntegerField()
        bio = models.TextField(blank=True)

        class Meta:
            app_label = "service_bench"
            db_table = TABLE

        def __str__(self) -> str:
            return self.name

    class DRFAuthorSerializer(serializers.ModelSerializer):
        class Meta:
            model = Author
            fields = ["id", "name", "email", "age", "bio"]

    class AuthorSerializer(restflow.serializers.ModelSerializer):
        class Meta:
            model = Author
            fields = ["id", "name", "email", "age", "bio"]

    def create_author(*, data: Any) -> Author:
        return Author.objects.create(**data)

    async def acreate_author(*, data: Any) -> Author:
        return await Author.objects.acreate(**data)

    class DRFCreate(generics.CreateAPIView):
        queryset = Author.objects.all()
        serializer_class = DRFAuthorSerializer

    def peer_view(service: Any) -> Any:
        class PeerCreate(PeerCreateView):
            spec = PeerSpec(
                service=service,
                input_serializer=DRFAuthorSerializer,
                output_selector_spec=SelectorSpec(
                    kind=SelectorKind.RETRIEVE, output_serializer=DRFAuthorSerializer
                ),
            )

        return PeerCreate.as_view()

    def restflow_view(base: Any, service: Any, atomic: bool = True) -> Any:
        class Create(base):
            spec = ServiceSpec(
                service=service,
                atomic=atomic,
                input_serializer=AuthorSerializer,
                output_serializer=AuthorSerializer,
            )

        return Create.as_view()

    drf = DRFCreate.as_view()
    views = {
        "drf": drf,
        "drf-atomic": transaction.atomic()(drf),
        "peer": peer_view(create_author),
        "peer-async": peer_view(acreate_author),
        "restflow-async": restflow_view(AsyncServiceCreateView, acreate_author),
        "restflow-nonatomic": restflow_view(AsyncServiceCreateView, acreate_author, atomic=False),
        "restflow-async-sync": restflow_view(AsyncServiceCreateView, create_author),
        "restflow-sync": restflow_view(ServiceCreateView, create_author),
    }
    assert list(views) == KEYS
    _APP.update(
        Author=Author,
        views=views,
        urlpatterns=[
            path("ready/", lambda request: HttpResponse("ready")),  # the HTTP part waits for it
            *(path(f"{key}/", view) for key, view in views.items()),
        ],
    )
    return _APP


# ROOT_URLCONF is this module (Django reads ``urlpatterns`` after set-up), and it is the
# HTTP part's server: uvicorn _service_app:application.
__getattr__ = _django.module_getattr(
    globals(), app, lambda: setup(Path(os.environ[DB_ENV]), os.environ.get(SYNC_ENV, "NORMAL"))
)
