"""Seed two demo notes, so GET /api/notes/ has something to show on first start."""

from __future__ import annotations

from typing import Any

from django.db import migrations

DEMO_NOTES = [
    (
        "Welcome to restflow",
        "This list is served by an async view on restflow-core's dispatch loop.",
    ),
    ("Add a note", 'POST /api/notes/ with {"title": "...", "body": "..."}.'),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Note = apps.get_model("notes", "Note")
    db = schema_editor.connection.alias
    for title, body in DEMO_NOTES:
        Note.objects.using(db).get_or_create(title=title, defaults={"body": body})


def unseed(apps: Any, schema_editor: Any) -> None:
    Note = apps.get_model("notes", "Note")
    Note.objects.using(schema_editor.connection.alias).filter(
        title__in=[t for t, _ in DEMO_NOTES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
