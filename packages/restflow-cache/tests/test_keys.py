"""Cache keys: fields, constructors, the layout, injectivity and determinism."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from django.test import RequestFactory, override_settings
from rest_framework import serializers

from cachetests.keys import UserKey
from cachetests.models import Author
from restflow.caching import (
    ArgsKeyField,
    ConstantKeyField,
    ContextKeyField,
    DefaultKeyConstructor,
    DjangoModelKeyField,
    DrfSerializerKeyField,
    HostKeyField,
    InlineKeyConstructor,
    KeyConstructor,
    QueryParamsKeyField,
    RequestValueKeyField,
    ViewKwargsKeyField,
    cache_result,
)
from restflow.caching.keys import KeyContext
from restflow.caching.keys.encoding import digest, encode
from restflow.caching.keys.fields import raw_host
from testsupport.processes import python


def get_user_data(user_id: int, scope: str) -> tuple[int, str]:
    return user_id, scope


def bound(constructor: type[KeyConstructor], func: object = get_user_data) -> object:
    key = constructor.bind(func, "mod.fn")  # type: ignore[arg-type]
    key.resolve("restflow", 200, True)
    return key


def request(query: str = "", **attrs: object) -> SimpleNamespace:
    return SimpleNamespace(query_params=QueryDict(query), **attrs)


class TestLayout:
    def test_key_is_namespace_version_function_partitions_suffix(self) -> None:
        key = bound(UserKey)
        assert key.key(KeyContext((1, "full"), {})) == "users::1::mod.fn::1::production::full"

    def test_positional_and_keyword_calls_share_a_key(self) -> None:
        key = bound(UserKey)
        assert key.key(KeyContext((1,), {"scope": "full"})) == key.key(
            KeyContext((), {"user_id": 1, "scope": "full"})
        )

    def test_hash_true_stores_a_digest_of_the_part(self) -> None:
        class Hashed(UserKey):
            scope = ArgsKeyField("scope", hash=True)

        key = bound(Hashed).key(KeyContext((1, "full"), {}))
        assert key == f"users::1::mod.fn::1::production::{digest('full')}"

    def test_meta_version_and_key_identifier_change_the_head(self) -> None:
        class Versioned(UserKey):
            class Meta:
                version = 3
                key_identifier = "shared"

        key = bound(Versioned).key(KeyContext((1, "x"), {}))
        assert key.startswith("users::3::shared::1::")

    def test_namespace_defaults_to_the_setting_value_given_at_resolve(self) -> None:
        key = bound(DefaultKeyConstructor).key(KeyContext((1, "a"), {}))
        assert key == "restflow::1::mod.fn::{scope=a,user_id=1}"

    def test_over_long_suffix_is_hashed(self) -> None:
        key = bound(DefaultKeyConstructor).key(KeyContext((1, "x" * 500), {}))
        assert len(key) < 120 and key.rsplit("::", 1)[1].startswith("!h")

    def test_over_long_suffix_raises_when_hashing_is_off(self) -> None:
        class Strict(DefaultKeyConstructor):
            class Meta:
                max_key_suffix_length = 10
                hash_suffix_on_overflow = False

        with pytest.raises(ValueError, match="max_key_suffix_length=10"):
            bound(Strict).key(KeyContext((1, "x" * 50), {}))

    def test_keys_are_identical_in_another_process_with_another_hash_seed(self) -> None:
        here = bound(DefaultKeyConstructor).key(KeyContext((1, "é&b=2"), {}))
        code = (
            "from restflow.caching.keys import DefaultKeyConstructor, KeyContext\n"
            "def get_user_data(user_id, scope): pass\n"
            "k = DefaultKeyConstructor.bind(get_user_data, 'mod.fn')\n"
            "k.resolve('restflow', 200, True)\n"
            "print(k.key(KeyContext((1, 'é&b=2'), {})))\n"
        )
        env = {"PYTHONHASHSEED": "12345", "PATH": ""}
        assert python(code, env=env, cwd=Path(__file__).parent).strip() == here


class TestInjectivity:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ({"a": "1", "b": "2"}, {"a": "1&b=2"}),
            ({"a": "1::2"}, {"a": "1", "b": "2"}),
            ({"a": "x,y"}, {"a": ["x", "y"]}),
            ({"a": None}, {"a": "None"}),
            ({"a": True}, {"a": "True"}),
            ({"a": ""}, {"a": "_"}),
        ],
    )
    def test_different_values_never_share_a_key(self, a: dict, b: dict) -> None:
        def fn(a: object = None, b: object = None) -> None: ...

        key = bound(DefaultKeyConstructor, fn)
        assert key.key(KeyContext((), a)) != key.key(KeyContext((), b))

    def test_query_params_with_delimiters_do_not_collide(self) -> None:
        class Q(KeyConstructor):
            q = QueryParamsKeyField("*")

        key = bound(Q, None)
        one = key.key(KeyContext((), {}, request=request("a=1&b=2")))
        two = key.key(KeyContext((), {}, request=request("a=1%26b%3D2")))
        assert one != two

    def test_unstable_values_are_a_type_error_naming_the_fix(self) -> None:
        with pytest.raises(TypeError, match="normalizer="):
            encode(object())


class TestFields:
    def test_args_field_path_and_normalizer(self) -> None:
        def fn(user: object, tag: str) -> None: ...

        class K(KeyConstructor):
            user = ArgsKeyField("user", path="profile.id")
            tag = ArgsKeyField("tag", normalizer=str.lower)

        key = bound(K, fn).key(
            KeyContext((SimpleNamespace(profile=SimpleNamespace(id=7)), "AB"), {})
        )
        assert key.endswith("::7::ab")

    def test_args_field_list_of_names(self) -> None:
        def fn(a: int, b: int, c: int) -> None: ...

        class K(KeyConstructor):
            pair = ArgsKeyField(["a", "c"])

        assert bound(K, fn).key(KeyContext((1, 2, 3), {})).endswith("::{a=1,c=3}")

    def test_default_key_skips_self_and_covers_var_keywords(self) -> None:
        class Service:
            def fn(self, a: int, **extra: object) -> None: ...

        key = bound(DefaultKeyConstructor, Service.fn).key(KeyContext((Service(), 1), {"z": 2}))
        assert key.endswith("::{a=1,z=2}")

    def test_unknown_argument_is_a_type_error_at_decoration_naming_class_and_attribute(
        self,
    ) -> None:
        class K(KeyConstructor):
            user = ArgsKeyField("nope")

        with pytest.raises(TypeError, match=r"K\.user .*no argument 'nope'"):
            cache_result(key_constructor=K)(get_user_data)

    def test_missing_argument_at_call_time_names_it(self) -> None:
        key = bound(UserKey)
        with pytest.raises(TypeError, match="without argument 'scope'"):
            key.key(KeyContext((1,), {}))

    def test_request_value_field_reads_a_dotted_path_and_none_when_absent(self) -> None:
        class K(KeyConstructor):
            user = RequestValueKeyField("user", "user.id")

        key = bound(K, None)
        with_user = key.key(KeyContext((), {}, request=request(user=SimpleNamespace(id=5))))
        anonymous = key.key(KeyContext((), {}, request=request(user=None)))
        assert with_user.endswith("::5") and anonymous.endswith("::!n")

    def test_host_field_keeps_the_port_and_is_none_without_a_request(self) -> None:
        class K(KeyConstructor):
            host = HostKeyField()

        key = bound(K, None)
        factory = RequestFactory()
        hosts = [factory.get("/", HTTP_HOST=h) for h in ("example.com", "example.com:6666")]
        keys = {key.key(KeyContext((), {}, request=r)) for r in hosts}
        assert len(keys) == 2 and key.key(KeyContext((), {})).endswith("::!n")

    @pytest.mark.parametrize("forwarded", [False, True])
    @pytest.mark.parametrize(
        "meta",
        [
            {"HTTP_HOST": "api.example.com:8443"},
            {"HTTP_HOST": "api.example.com", "HTTP_X_FORWARDED_HOST": "edge.example.com:444"},
            {"SERVER_NAME": "api.example.com", "SERVER_PORT": "8080"},
        ],
        ids=["host", "forwarded_host", "server_name"],
    )
    def test_host_field_reads_what_get_host_returns(
        self, meta: dict[str, str], forwarded: bool
    ) -> None:
        with override_settings(ALLOWED_HOSTS=[".example.com"], USE_X_FORWARDED_HOST=forwarded):
            req = RequestFactory().get("/")
            req.META.pop("HTTP_HOST", None)
            req.META.update(meta)
            assert raw_host(req.META) == req.get_host()

    def test_context_field_reads_its_function_on_every_call(self) -> None:
        current = ["fr"]

        class K(KeyConstructor):
            language = ContextKeyField("language", lambda: current[0])

        key = bound(K, None)
        french = key.key(KeyContext((), {}))
        current[0] = "de"
        assert key.key(KeyContext((), {})) != french and french.endswith("::fr")

    def test_context_field_values_are_captured_and_restored_elsewhere(self) -> None:
        current = ["fr"]
        entered: list[str] = []

        @contextlib.contextmanager
        def restore(value: str) -> Iterator[None]:
            previous, current[0] = current[0], value
            entered.append(value)
            try:
                yield
            finally:
                current[0] = previous

        class K(KeyConstructor):
            language = ContextKeyField("language", lambda: current[0], restore=restore)
            no_restore = ContextKeyField("region", lambda: "eu")

        key = bound(K, None)
        french = key.key(KeyContext((), {}))
        restored = key.capture()
        current[0] = "de"
        with restored():
            assert key.key(KeyContext((), {})) == french
        assert current == ["de"] and entered == ["fr"]

    def test_context_field_needs_callables(self) -> None:
        with pytest.raises(TypeError, match="ContextKeyField\\('language'\\) needs callables"):
            ContextKeyField("language", "fr")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="restore='fr'"):
            ContextKeyField("language", lambda: "fr", restore="fr")  # type: ignore[arg-type]

    def test_request_field_finds_the_request_argument_of_a_function(self) -> None:
        def view(request: object, pk: int) -> None: ...

        class K(KeyConstructor):
            user = RequestValueKeyField("user", "user.id")

        req = request(user=SimpleNamespace(id=9))
        assert bound(K, view).key(KeyContext((req, 1), {})).endswith("::9")

    def test_query_params_field_selected_names_and_repeated_values(self) -> None:
        class K(KeyConstructor):
            q = QueryParamsKeyField(["tag", "page"])

        key = bound(K, None)
        first = key.key(KeyContext((), {}, request=request("tag=a&tag=b&other=1")))
        second = key.key(KeyContext((), {}, request=request("tag=a&tag=b&other=2")))
        third = key.key(KeyContext((), {}, request=request("tag=a")))
        assert first == second != third

    def test_view_kwargs_field(self) -> None:
        class K(KeyConstructor):
            kw = ViewKwargsKeyField("*")

        key = bound(K, None)
        view = SimpleNamespace(kwargs={"pk": 3})
        assert key.key(KeyContext((), {}, view=view)).endswith("::{pk=3}")

    def test_model_fingerprint_changes_when_the_schema_changes(self) -> None:
        from django.db import models

        field = DjangoModelKeyField(Author)
        before = field.fingerprint()
        extra = models.IntegerField(default=0)
        extra.contribute_to_class(Author, "age_for_test")
        try:
            after = field.fingerprint()
        finally:
            Author._meta.local_fields.remove(extra)
            del Author.age_for_test
            Author._meta._expire_cache()
        assert before != after and field.fingerprint() == before

    def test_serializer_fingerprint_changes_with_the_shape(self) -> None:
        class One(serializers.Serializer):
            name = serializers.CharField()

        class Two(serializers.Serializer):
            name = serializers.CharField()
            age = serializers.IntegerField()

        assert DrfSerializerKeyField(One).fingerprint() != DrfSerializerKeyField(Two).fingerprint()
        assert DrfSerializerKeyField(One).fingerprint() == DrfSerializerKeyField(One).fingerprint()

    def test_every_field_takes_partition_and_hash(self) -> None:
        fields = [
            ConstantKeyField("a", 1, partition=True, hash=True),
            ArgsKeyField("a", partition=True, hash=True),
            RequestValueKeyField("a", "b", partition=True, hash=True),
            QueryParamsKeyField("*", partition=True, hash=True),
            DjangoModelKeyField(Author, partition=True, hash=True),
            DrfSerializerKeyField(serializers.Serializer, partition=True, hash=True),
        ]
        assert all(f.partition and f.hash for f in fields)


class TestConstructors:
    def test_inline_key_constructor_builds_a_class_with_meta(self) -> None:
        K = InlineKeyConstructor({"user": ArgsKeyField("user_id")}, namespace="inl", version=2)
        assert issubclass(K, KeyConstructor)
        assert bound(K).key(KeyContext((4, "s"), {})) == "inl::2::mod.fn::4"

    def test_inline_rejects_non_fields(self) -> None:
        with pytest.raises(TypeError, match="not key fields"):
            InlineKeyConstructor({"user": "user_id"})  # type: ignore[dict-item]

    def test_unknown_meta_option_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match=r"Bad\.Meta has unknown option\(s\) namspace"):

            class Bad(KeyConstructor):
                class Meta:
                    namspace = "x"

    def test_fields_are_inherited(self) -> None:
        class Child(UserKey):
            extra = ConstantKeyField("e", "x")

        assert list(Child.key_fields) == ["user", "environment", "scope", "extra"]

    def test_prefix_accepts_argument_names_and_fills_constants(self) -> None:
        prefix, fixed = bound(UserKey).prefix({"user_id": 1})
        assert prefix == "users::1::mod.fn::1::production::" and fixed == 2

    def test_prefix_rejects_non_leading_partitions(self) -> None:
        with pytest.raises(TypeError, match="leading partition"):
            bound(UserKey).prefix({"scope": "x"})
