#!/usr/bin/env bash
# Create (or refresh) the bench virtualenv at <repo>/.bench-venv and install
# scripts/bench/requirements.txt into it. Re-running is cheap and idempotent.
#   bash scripts/bench/setup.sh            # bench only
#   bash scripts/bench/setup.sh --profile  # also the profilers
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.bench-venv"
python="${BENCH_PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3

if [ ! -x "$venv/bin/python" ]; then
    echo "creating $venv with $("$python" --version 2>&1)"
    "$python" -m venv "$venv"
fi
cd "$root"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
if [ "${1:-}" = "--profile" ]; then
    "$venv/bin/python" -m pip install --quiet -r "$here/requirements-profile.txt"
fi
"$venv/bin/python" - <<'PY'
import importlib.metadata as md
for dist in ("Django", "djangorestframework", "adrf", "djangorestframework-services", "uvicorn",
             "httptools", "pyperf", "restflow-core"):
    print(f"  {dist:29} {md.version(dist)}")
PY
echo "bench venv ready: $venv"
