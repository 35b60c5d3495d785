"""Django settings for restflow-spectacular's own tests (SQLite in memory, LocMem cache).

One pytest session per package (DESIGN.md §5): this conftest configures
Django before collection, so test modules may import restflow and DRF freely.
``spectests`` holds the schema helpers the test modules share.
"""

from __future__ import annotations

import sys
from pathlib import Path

from testsupport.settings import configure

sys.path.insert(0, str(Path(__file__).parent))


def pytest_configure(config: object) -> None:
    configure(
        "restflow-spectacular",
        ["drf_spectacular", "restflow.core", "restflow.spectacular"],
        REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": "restflow.spectacular.schema.RestflowAutoSchema"},
    )
