"""restflow.serializers' fast path (generated row functions) gives what its public path gives.

Both row functions of a plan, the generated one and the plain closure, run
on the same rows: every column kind, nulls, and values not of the field's
output type (which both must convert as DRF's field would).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from rest_framework import serializers as drf

from restflow.serializers import ModelSerializer, _fastpaths
from restflow.serializers._plan import represent_closure, row_plan
from sertests.models import Reading

ALL = [
    "id", "sensor", "count", "value", "exact", "ok", "note", "unit",
    "taken_at", "day", "at", "span", "token", "email",
]  # fmt: skip
SHAPES = {
    "every column": ALL,
    "one typed column": ["count"],
    "one converted column": ["exact"],
    "converted columns only": ["exact", "day", "token"],
    "typed and converted": ["note", "exact", "ok"],
}


def _rows() -> list[Reading]:
    """Unsaved rows: full, empty (nulls), and columns holding another type than their field's."""
    full = Reading(
        pk=1, sensor_id=4, count=3, value=1.5, exact=Decimal("2.125"), ok=True, note="n",
        unit="k", taken_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        day=dt.date(2026, 1, 2), at=dt.time(3, 4), span=dt.timedelta(minutes=90),
        token=uuid.UUID(int=7), email="a@example.org",
    )  # fmt: skip
    empty = Reading(
        pk=2, count=0, exact=Decimal("0"), ok=False, unit="c",
        taken_at=dt.datetime(2026, 5, 6, tzinfo=dt.UTC), token=uuid.UUID(int=8),
    )  # fmt: skip
    off_type = Reading(
        pk=3, count=True, value=2, exact=Decimal("1.5"), ok=1, note=7, unit="c",
        taken_at=dt.datetime(2026, 5, 6, tzinfo=dt.UTC), token=uuid.UUID(int=9),
    )  # fmt: skip
    return [full, empty, off_type]


def _serializers(fields: list[str]) -> tuple[Any, Any]:
    meta = {"model": Reading, "fields": fields}
    ours = type("Ours", (ModelSerializer,), {"Meta": type("Meta", (), meta)})
    theirs = type("Theirs", (drf.ModelSerializer,), {"Meta": type("Meta", (), meta)})
    return ours, theirs


@pytest.mark.skipif(not _fastpaths._probe(), reason="this interpreter refuses exec")
@pytest.mark.parametrize("shape", SHAPES)
def test_generated_and_plain_row_functions_give_drfs_rows(shape: str) -> None:
    ours, theirs = _serializers(SHAPES[shape])
    rows = _rows()
    plan = row_plan(ours(), rows[0])
    assert plan is not None
    generated = _fastpaths._compiled(plan.names, plan.attrs, plan.columns)
    plain = represent_closure(plan.names, plan.attrs, plan.columns)
    expected = [dict(row) for row in theirs(rows, many=True).data]
    assert [generated(row) for row in rows] == [plain(row) for row in rows] == expected


def test_the_plan_uses_the_plain_closure_when_fast_paths_are_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_fastpaths, "GENERATED_PLANS", False)
    ours, theirs = _serializers(ALL)
    rows = _rows()
    plan = row_plan(type("Fresh", (ours,), {})(), rows[0])
    assert plan is not None
    assert _fastpaths.generate_represent(plan.names, plan.attrs, plan.columns) is None
    assert plan.represent.__qualname__.startswith("represent_closure.")
    assert [plan(row) for row in rows] == [dict(row) for row in theirs(rows, many=True).data]
