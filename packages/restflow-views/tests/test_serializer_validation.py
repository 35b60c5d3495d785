"""Validation on the sync and async paths: same answers, async hooks awaited, few thread hops."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from rest_framework import serializers as drf
from rest_framework.exceptions import ValidationError

from restflow.core import mark_loop_safe
from restflow.serializers import Field, ListSerializer, Serializer, ValidatedData
from sertests.hops import count_hops

PATHS = ["sync", "async"]


async def is_valid(path: str, serializer: Any, **kwargs: Any) -> bool:
    if path == "sync":
        return bool(serializer.is_valid(**kwargs))
    return bool(await serializer.ais_valid(**kwargs))


class Address(Serializer):
    city: str
    zip: str = Field(max_length=5)


class Order(Serializer):
    reference: str
    quantity: int = Field(min_value=1)
    price: Decimal
    note: str | None = None
    address: Address
    lines: list[Address] = Field(required=False)


VALID = {
    "reference": "A-1",
    "quantity": "3",
    "price": "9.50",
    "address": {"city": "Lyon", "zip": "69001"},
    "lines": [{"city": "Nice", "zip": "06000"}],
}


@pytest.mark.parametrize("path", PATHS)
class TestSameAnswersOnBothPaths:
    async def test_valid_input_gives_typed_values(self, path: str) -> None:
        serializer = Order(data=VALID)
        assert await is_valid(path, serializer)
        data = serializer.validated_data
        assert data["quantity"] == 3
        assert data["price"] == Decimal("9.50")
        assert data["note"] is None
        assert data["address"] == {"city": "Lyon", "zip": "69001"}
        assert data["lines"] == [{"city": "Nice", "zip": "06000"}]

    async def test_invalid_input_reports_every_field(self, path: str) -> None:
        bad = {**VALID, "quantity": "0", "address": {"city": "Lyon", "zip": "too long"}}
        del bad["reference"]
        serializer = Order(data=bad)
        assert not await is_valid(path, serializer)
        assert set(serializer.errors) == {"reference", "quantity", "address"}
        assert set(serializer.errors["address"]) == {"zip"}
        assert serializer.validated_data == {}

    async def test_raise_exception_raises_validation_error(self, path: str) -> None:
        with pytest.raises(ValidationError) as info:
            await is_valid(path, Order(data={}), raise_exception=True)
        assert "reference" in info.value.detail

    async def test_non_mapping_input_is_a_non_field_error(self, path: str) -> None:
        serializer = Order(data=["not", "a", "dict"])
        assert not await is_valid(path, serializer)
        assert "non_field_errors" in serializer.errors

    async def test_many_validates_each_item_and_keys_errors_by_index(self, path: str) -> None:
        serializer = Address(data=[{"city": "a", "zip": "1"}, {"city": "b"}], many=True)
        assert isinstance(serializer, ListSerializer)
        assert not await is_valid(path, serializer)
        assert serializer.errors == {1: {"zip": ["This field is required."]}}

    async def test_many_rejects_a_non_list(self, path: str) -> None:
        serializer = Address(data={"city": "a"}, many=True)
        assert not await is_valid(path, serializer)
        assert "non_field_errors" in serializer.errors

    async def test_many_valid_input_gives_a_list(self, path: str) -> None:
        serializer = Address(data=[{"city": "a", "zip": "1"}], many=True)
        assert await is_valid(path, serializer)
        assert serializer.validated_data == [{"city": "a", "zip": "1"}]

    async def test_sync_validate_field_and_validate_run(self, path: str) -> None:
        class Signup(Serializer):
            username: str
            password: str
            confirm: str

            def validate_username(self, value: str) -> str:
                if value == "root":
                    raise drf.ValidationError("reserved")
                return value.lower()

            def validate(self, attrs: dict) -> dict:
                if attrs["password"] != attrs["confirm"]:
                    raise drf.ValidationError({"confirm": "does not match"})
                return attrs

        ok = Signup(data={"username": "Ann", "password": "x", "confirm": "x"})
        assert await is_valid(path, ok)
        assert ok.validated_data["username"] == "ann"
        reserved = Signup(data={"username": "root", "password": "x", "confirm": "x"})
        assert not await is_valid(path, reserved)
        assert reserved.errors == {"username": ["reserved"]}
        mismatch = Signup(data={"username": "bob", "password": "x", "confirm": "y"})
        assert not await is_valid(path, mismatch)
        assert mismatch.errors == {"confirm": ["does not match"]}

    async def test_serializer_level_validators_report_non_field_errors(self, path: str) -> None:
        def different(attrs: dict) -> None:
            if attrs["low"] >= attrs["high"]:
                raise drf.ValidationError("low must be below high")

        class Range(Serializer):
            low: int
            high: int

            class Meta:
                validators = [different]

        serializer = Range(data={"low": 5, "high": 1})
        assert not await is_valid(path, serializer)
        assert serializer.errors == {"non_field_errors": ["low must be below high"]}


class TestValidatedData:
    def test_reads_as_attributes_and_nests(self) -> None:
        serializer = Order(data=VALID)
        assert serializer.is_valid()
        data = serializer.validated_data
        assert isinstance(data, ValidatedData)
        assert data.reference == "A-1"
        assert data.address.city == "Lyon"
        assert data.lines[0].zip == "06000"

    def test_unknown_attribute_names_the_known_fields(self) -> None:
        data = ValidatedData(city="Lyon")
        with pytest.raises(AttributeError, match="no field 'country'; fields: city"):
            _ = data.country

    def test_to_json_writes_decimals_dates_and_uuids(self) -> None:
        import datetime
        import uuid

        value = uuid.UUID("12345678-1234-5678-1234-567812345678")
        data = ValidatedData(price=Decimal("9.50"), day=datetime.date(2026, 1, 2), id=value)
        assert json.loads(data.to_json()) == {
            "price": "9.50",
            "day": "2026-01-02",
            "id": str(value),
        }

    async def test_a_validate_returning_a_plain_dict_still_reads_as_attributes(self) -> None:
        class Plain(Serializer):
            name: str

            async def validate(self, attrs: dict) -> dict:
                return {"name": attrs["name"].upper()}

        serializer = Plain(data={"name": "ann"})
        assert await serializer.ais_valid()
        assert serializer.validated_data.name == "ANN"


class AsyncChecks(Serializer):
    """Async field and object validation, counting calls."""

    username: str
    email: str

    calls: ClassVar[list[str]]  # set per instance by make_checks()

    async def validate_username(self, value: str) -> str:
        self.calls.append("validate_username")
        if value == "taken":
            raise drf.ValidationError("already taken")
        return value

    async def validate(self, attrs: dict) -> dict:
        self.calls.append("validate")
        if attrs["email"].endswith("@spam.example"):
            raise drf.ValidationError("spam")
        return {**attrs, "checked": True}


def make_checks(data: Any) -> AsyncChecks:
    serializer = AsyncChecks(data=data)
    serializer.calls = []
    return serializer


class TestAsyncHooks:
    async def test_async_validate_field_and_validate_are_awaited(self) -> None:
        serializer = make_checks({"username": "ann", "email": "a@example.com"})
        assert await serializer.ais_valid()
        assert serializer.calls == ["validate_username", "validate"]
        assert serializer.validated_data["checked"] is True

    async def test_async_field_validator_error_is_reported_on_its_field(self) -> None:
        serializer = make_checks({"username": "taken", "email": "a@example.com"})
        assert not await serializer.ais_valid()
        assert serializer.errors == {"username": ["already taken"]}
        assert serializer.calls == ["validate_username"]  # validate() waits for clean fields

    async def test_async_validate_error_is_a_non_field_error(self) -> None:
        serializer = make_checks({"username": "ann", "email": "a@spam.example"})
        assert not await serializer.ais_valid()
        assert serializer.errors == {"non_field_errors": ["spam"]}

    async def test_avalidate_twin_is_called_on_the_async_path(self) -> None:
        class Twin(Serializer):
            name: str

            def validate(self, attrs: dict) -> dict:
                return {**attrs, "via": "sync"}

            async def avalidate(self, attrs: dict) -> dict:
                return {**attrs, "via": "async"}

        sync_serializer = Twin(data={"name": "a"})
        assert sync_serializer.is_valid()
        assert sync_serializer.validated_data["via"] == "sync"
        async_serializer = Twin(data={"name": "a"})
        assert await async_serializer.ais_valid()
        assert async_serializer.validated_data["via"] == "async"

    async def test_nested_serializer_async_hooks_are_awaited(self) -> None:
        class Inner(Serializer):
            code: str

            async def validate_code(self, value: str) -> str:
                return value.upper()

        class Outer(Serializer):
            inner: Inner
            items: list[Inner]

        serializer = Outer(data={"inner": {"code": "ab"}, "items": [{"code": "cd"}]})
        assert await serializer.ais_valid()
        assert serializer.validated_data == {"inner": {"code": "AB"}, "items": [{"code": "CD"}]}

    async def test_arun_validation_and_ato_internal_value(self) -> None:
        serializer = AsyncChecks()
        serializer.calls = []
        value = await serializer.ato_internal_value({"username": "ann", "email": "a@b.example"})
        assert value == {"username": "ann", "email": "a@b.example"}
        assert serializer.calls == ["validate_username"]  # no object-level validate
        full = await serializer.arun_validation({"username": "ann", "email": "a@b.example"})
        assert full["checked"] is True
        assert serializer.calls == ["validate_username", "validate_username", "validate"]


class TestSyncPathRefusesAsyncCallables:
    def test_is_valid_refuses_async_validate_field_naming_it(self) -> None:
        serializer = make_checks({"username": "ann", "email": "a@example.com"})
        with pytest.raises(
            TypeError, match=r"AsyncChecks\.validate_username\(\) is declared 'async def'"
        ):
            serializer.is_valid()

    def test_is_valid_refuses_async_validate_naming_it(self) -> None:
        class OnlyValidate(Serializer):
            name: str

            async def validate(self, attrs: dict) -> dict:
                return attrs

        with pytest.raises(
            TypeError, match=r"OnlyValidate\.validate\(\) is declared 'async def'.*ais_valid"
        ):
            OnlyValidate(data={"name": "a"}).is_valid()

    def test_is_valid_refuses_an_avalidate_without_a_sync_validate(self) -> None:
        class OnlyTwin(Serializer):
            name: str

            async def avalidate(self, attrs: dict) -> dict:
                return attrs

        with pytest.raises(
            TypeError, match=r"OnlyTwin defines avalidate\(\) but no sync validate\(\)"
        ):
            OnlyTwin(data={"name": "a"}).is_valid()

    def test_async_validator_in_a_field_is_refused_at_validation(self) -> None:
        async def check(value: str) -> None:
            return None

        class WithAsyncValidator(Serializer):
            name: str = Field(validators=[check])

        match = r"WithAsyncValidator\.name: validator .* is async; DRF runs validators"
        with pytest.raises(TypeError, match=match):
            WithAsyncValidator(data={"name": "a"}).is_valid()

    async def test_async_validator_in_a_field_is_refused_on_the_async_path_too(self) -> None:
        async def check(value: str) -> None:
            return None

        class WithAsyncValidator(Serializer):
            name: str = Field(validators=[check])

        with pytest.raises(TypeError, match="Move the check into an 'async def validate_<name>'"):
            await WithAsyncValidator(data={"name": "a"}).ais_valid()


class TestThreadHops:
    async def test_plain_fields_validate_on_the_loop_without_a_hop(self) -> None:
        serializer = Order(data=VALID)
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert hops.count == 0

    async def test_async_hooks_need_no_hop(self) -> None:
        serializer = make_checks({"username": "ann", "email": "a@example.com"})
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert hops.count == 0

    async def test_consecutive_sync_user_validators_share_one_hop(self) -> None:
        class Sync(Serializer):
            first: str
            second: str
            third: str

            def validate_first(self, value: str) -> str:
                return value

            def validate_second(self, value: str) -> str:
                return value

            def validate(self, attrs: dict) -> dict:
                return attrs

        serializer = Sync(data={"first": "a", "second": "b", "third": "c"})
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert hops.count == 1

    async def test_an_async_hook_splits_the_sync_runs_around_it(self) -> None:
        class Mixed(Serializer):
            first: str
            second: str
            third: str

            def validate_first(self, value: str) -> str:
                return value

            async def validate_second(self, value: str) -> str:
                return value

            def validate_third(self, value: str) -> str:
                return value

        serializer = Mixed(data={"first": "a", "second": "b", "third": "c"})
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert hops.count == 2

    async def test_a_loop_safe_validator_takes_no_hop(self) -> None:
        class Marked(Serializer):
            name: str

            @mark_loop_safe
            def validate_name(self, value: str) -> str:
                return value.strip()

        serializer = Marked(data={"name": " a "})
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert hops.count == 0
        assert serializer.validated_data["name"] == "a"

    async def test_a_user_field_validator_function_takes_one_hop(self) -> None:
        def no_spaces(value: str) -> None:
            if " " in value:
                raise drf.ValidationError("no spaces")

        class Checked(Serializer):
            first: str = Field(validators=[no_spaces])
            second: str = Field(validators=[no_spaces])

        serializer = Checked(data={"first": "a b", "second": "c"})
        with count_hops() as hops:
            assert not await serializer.ais_valid()
        assert hops.count == 1
        assert serializer.errors == {"first": ["no spaces"]}

    async def test_many_with_plain_child_validates_on_the_loop(self) -> None:
        serializer = Address(data=[{"city": "a", "zip": "1"}] * 50, many=True)
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert hops.count == 0

    async def test_many_with_sync_child_hook_takes_one_hop_for_the_whole_list(self) -> None:
        class Child(Serializer):
            name: str

            def validate_name(self, value: str) -> str:
                return value

        serializer = Child(data=[{"name": "a"}] * 20, many=True)
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert hops.count == 1
        assert len(serializer.validated_data) == 20

    async def test_plain_drf_nested_serializer_takes_one_hop(self) -> None:
        class DrfInner(drf.Serializer):
            code = drf.CharField()

        class Outer(Serializer):
            name: str
            inner: DrfInner

        serializer = Outer(data={"name": "a", "inner": {"code": "x"}})
        with count_hops() as hops:
            assert await serializer.ais_valid()
        assert hops.count == 1
        assert serializer.validated_data["inner"] == {"code": "x"}
