"""Which ``restflow.*`` import in this venv (run by ``scripts/isolation.py``).

argv[1] is the job as JSON: ``expect`` (subpackages that must import), ``absent``
(subpackages that must not be found) and ``dists`` (the restflow distributions and
versions that must be installed, no more). Prints the result as JSON.
"""

import importlib
import importlib.metadata
import importlib.util
import json
import sys
import traceback

job = json.loads(sys.argv[1])
out: dict = {"imported": [], "absent": [], "errors": []}
try:
    from _django import configure

    configure(*(["restflow.core"] if "core" in job["expect"] else []))
except Exception:
    out["errors"].append("django setup failed:\n" + traceback.format_exc(limit=3))
try:
    import restflow

    if getattr(restflow, "__file__", None) is not None:
        out["errors"].append(
            f"restflow is not a namespace package: restflow.__file__ = {restflow.__file__!r}"
        )
    out["namespace_path"] = list(restflow.__path__)
except ImportError as exc:
    out["errors"].append(f"import restflow failed: {exc}")
for sub in job["expect"]:
    try:
        importlib.import_module("restflow." + sub)
        out["imported"].append(sub)
    except Exception:
        out["errors"].append(f"import restflow.{sub} failed:\n" + traceback.format_exc(limit=4))
for sub in job["absent"]:
    try:
        spec = importlib.util.find_spec("restflow." + sub)
    except Exception as exc:
        spec = exc
    if spec is None:
        out["absent"].append(sub)
    else:
        out["errors"].append(f"restflow.{sub} should be absent but is found: {spec!r}")
installed = {}
for dist in importlib.metadata.distributions():
    name = (dist.metadata["Name"] or "").lower().replace("_", "-")
    if name == "restflow" or name.startswith("restflow-"):
        installed[name] = dist.version
out["installed"] = installed
if installed != job["dists"]:
    out["errors"].append(f"installed restflow distributions {installed} != expected {job['dists']}")
print(json.dumps(out))
