"""Async views on restflow-core's dispatch loop (``AsyncAPIView``).

Each handler is ``async def`` and runs on the event loop: the ORM is used
through its async API, and DRF's (sync) authentication and permission
classes are bridged by restflow's fall-back helper. The notes list is
filtered by a restflow-filters ``FilterSet``.
"""

from __future__ import annotations

from typing import Any

from notes.models import Note
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.core import AsyncAPIView
from restflow.filters import DateTimeField, FilterSet, StringField


class NoteFilterSet(FilterSet):
    """``?title__icontains=…&created_at__gte=…&order_by=-created_at`` on the notes list."""

    title = StringField(lookups=["icontains", "startswith"])
    body = StringField(lookups=["icontains"])
    created_at = DateTimeField(lookups=["comparison", "date"])

    class Meta:
        model = Note
        fields = ["id"]
        extra_kwargs = {"id": {"lookups": ["in"]}}
        order_fields = ["id", "title", "created_at"]
        max_list_size = 50


class NoteSerializer(serializers.Serializer):
    """Input and output of a note; validation never touches the database."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    created_at = serializers.DateTimeField(read_only=True)


class IndexView(AsyncAPIView):
    """``GET /``: what this example serves."""

    async def get(self, request: Request) -> Response:
        base = request.build_absolute_uri("/")
        return Response({"hello": f"{base}api/hello/", "notes": f"{base}api/notes/"})


class HelloView(AsyncAPIView):
    """``GET /api/hello/``: a greeting and who is asking."""

    async def get(self, request: Request) -> Response:
        user = request.user  # already authenticated by the async loop, before the handler
        name: Any = user.get_username() if user.is_authenticated else None
        return Response({"message": "hello", "user": name})


class NotesView(AsyncAPIView):
    """``GET /api/notes/`` lists the notes, filtered; ``POST /api/notes/`` adds one."""

    async def get(self, request: Request) -> Response:
        notes = await NoteFilterSet(request=request).afilter_queryset(Note.objects.order_by("id"))
        rows = [row async for row in notes.values("id", "title", "body", "created_at")]
        return Response({"count": len(rows), "results": NoteSerializer(rows, many=True).data})

    async def post(self, request: Request) -> Response:
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = await Note.objects.acreate(**serializer.validated_data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
