"""Use restflow-cache in a venv that has only its wheel: cache, invalidate, wipe a partition.

Run by ``scripts/isolation.py`` with the venv's Python after the import
checks; prints ``ok`` or raises. Django's default (LocMem) cache.
"""

import importlib.util

from _django import configure

configure("restflow.core", "restflow.caching")

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from restflow.caching import (  # noqa: E402
    ArgsKeyField,
    InvalidationRule,
    KeyConstructor,
    cache_result,
)

assert importlib.util.find_spec("restflow.views") is None, "restflow-views must be absent"
call_command("migrate", verbosity=0)
ada = User.objects.create(username="ada")
bob = User.objects.create(username="bob")


class ProfileKey(KeyConstructor):
    user_id = ArgsKeyField("user_id", partition=True)
    scope = ArgsKeyField("scope")

    class Meta:
        namespace = "isolation"


calls = []


@cache_result(
    key_constructor=ProfileKey,
    ttl=300,
    invalidates_on=[InvalidationRule(model=User, field_mapping={"user_id": "id"})],
)
def profile(user_id: int, scope: str = "short") -> dict:
    calls.append(user_id)
    return {"username": User.objects.get(pk=user_id).username, "scope": scope}


assert profile(ada.pk) == {"username": "ada", "scope": "short"}
assert profile(ada.pk) == {"username": "ada", "scope": "short"}
assert calls == [ada.pk], calls  # the second call was a hit

ada.username = "ada2"
ada.save()  # the rule deletes ada's entries (on commit; autocommit here)
assert profile(ada.pk)["username"] == "ada2"
assert calls == [ada.pk, ada.pk], calls

profile(bob.pk, "short")
profile(bob.pk, "long")
profile(ada.pk, "long")
calls.clear()
profile.delete_by_prefix(user_id=bob.pk)  # wipes bob's partition only
profile(bob.pk, "short")
profile(bob.pk, "long")
profile(ada.pk, "long")
assert calls == [bob.pk, bob.pk], calls
print("ok")
