"""An object-permission backend for the permission tests, sync and async, both querying the database.

Rule, for ``coretests.Note`` objects only: the owner may view, change and
delete the note; anyone active may view a note whose title starts with
"public". Every call is recorded as ``"<sync|async>@<loop|thread>"``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.db.models import Q, QuerySet

from coretests.models import Note
from testsupport.loops import where

CALLS: list[str] = []

_OWNER_CODENAMES = {"view_note", "change_note", "delete_note"}


def _granting_rows(user_obj: Any, perm: str, obj: Any) -> QuerySet[Note] | None:
    if not isinstance(obj, Note) or not user_obj.is_active or user_obj.is_anonymous:
        return None
    app_label, _, codename = perm.partition(".")
    if app_label != "coretests" or codename not in _OWNER_CODENAMES:
        return None
    rows = Note.objects.filter(pk=obj.pk)
    if codename == "view_note":
        return rows.filter(Q(owner_id=user_obj.pk) | Q(title__startswith="public"))
    return rows.filter(owner_id=user_obj.pk)


class NoteOwnerBackend(BaseBackend):
    """Grants object permissions on notes to their owner (and viewing of public notes)."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        CALLS.append(f"sync@{where()}")
        rows = _granting_rows(user_obj, perm, obj)
        return rows is not None and rows.exists()

    async def ahas_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        CALLS.append(f"async@{where()}")
        rows = _granting_rows(user_obj, perm, obj)
        return rows is not None and await rows.aexists()
