"""One cache key prefix per test session, shared with the processes the session starts.

Redis outlives a session: a throttle counter or a cached entry written by one
run (another Python/Django pair in the same CI, a developer's earlier run)
must not be read by the next. The id goes into the environment, so a second
process or a broker worker started by a test inherits it.
"""

from __future__ import annotations

import os
import uuid

SESSION = os.environ.setdefault("RESTFLOW_IT_SESSION", uuid.uuid4().hex[:12])
KEY_PREFIX = f"restflow-it-{SESSION}"
