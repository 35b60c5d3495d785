"""The type → field map: every row, the generic forms, extension, errors, string annotations."""

# typing.List/Dict/Optional are spelled out on purpose: both spellings must map.
# ruff: noqa: UP006, UP035, UP045
# The fields come back typed as the Field base; tests read subclass attributes.
# mypy: disable-error-code="attr-defined"

from __future__ import annotations

import datetime
import enum
import uuid
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Dict, List, Literal, NewType, NotRequired, Optional

import pytest
from rest_framework import fields, serializers

import restflow.typemap as typemap
from coretests import future_annotated
from restflow.typemap import (
    Email,
    IPAddress,
    get_field_from_type,
    register_type,
    resolve_annotations,
)


class AddressSerializer(serializers.Serializer[dict[str, Any]]):
    city = serializers.CharField()


class Price(Decimal):
    """A Decimal subclass: maps through its MRO."""


class Color(str, enum.Enum):  # noqa: UP042  (a str mixin: must not map to CharField)
    RED = "r"
    GREEN = "g"


class Point:
    """A class no row knows, until a test registers it."""


@pytest.fixture
def restore_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typemap, "_TYPE_MAP", dict(typemap._TYPE_MAP))


# -- the rows ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("annotation", "field_class"),
    [
        (str, fields.CharField),
        (int, fields.IntegerField),
        (float, fields.FloatField),
        (bool, fields.BooleanField),
        (Decimal, fields.DecimalField),
        (datetime.date, fields.DateField),
        (datetime.datetime, fields.DateTimeField),
        (datetime.time, fields.TimeField),
        (datetime.timedelta, fields.DurationField),
        (uuid.UUID, fields.UUIDField),
        (Email, fields.EmailField),
        (IPAddress, fields.IPAddressField),
        (dict, fields.DictField),
        (Any, fields.JSONField),
    ],
)
def test_each_row_maps_to_its_field(annotation: Any, field_class: type) -> None:
    field = get_field_from_type(annotation)
    assert type(field) is field_class


def test_bool_is_not_mistaken_for_int() -> None:
    field = get_field_from_type(bool)
    assert type(field) is fields.BooleanField
    assert field.run_validation("true") is True


def test_datetime_is_not_mistaken_for_date() -> None:
    # datetime subclasses date: the exact row must win over the MRO.
    assert type(get_field_from_type(datetime.datetime)) is fields.DateTimeField


def test_decimal_has_no_digit_limits_unless_given() -> None:
    field = get_field_from_type(Decimal)
    assert (field.max_digits, field.decimal_places) == (None, None)
    assert field.run_validation("12345678901234.5678901") == Decimal("12345678901234.5678901")
    limited = get_field_from_type(Decimal, max_digits=5, decimal_places=2)
    assert (limited.max_digits, limited.decimal_places) == (5, 2)


def test_email_and_ip_address_validate_their_format() -> None:
    with pytest.raises(serializers.ValidationError):
        get_field_from_type(Email).run_validation("not-an-email")
    with pytest.raises(serializers.ValidationError):
        get_field_from_type(IPAddress).run_validation("999.1.1.1")
    assert get_field_from_type(IPAddress).run_validation("::1") == "::1"


def test_field_kwargs_are_passed_and_fields_are_fresh() -> None:
    first = get_field_from_type(str, max_length=3, help_text="short")
    second = get_field_from_type(str)
    assert first.max_length == 3 and first.help_text == "short"
    assert first is not second and second.max_length is None


# -- generic forms -----------------------------------------------------------


@pytest.mark.parametrize("annotation", [list[int], List[int]])
def test_list_of_t_has_a_child_for_t(annotation: Any) -> None:
    field = get_field_from_type(annotation)
    assert type(field) is fields.ListField
    assert type(field.child) is fields.IntegerField
    assert field.run_validation(["1", 2]) == [1, 2]


@pytest.mark.parametrize("annotation", [list, List])
def test_bare_list_is_a_list_field(annotation: Any) -> None:
    assert type(get_field_from_type(annotation)) is fields.ListField


def test_list_of_optional_items_allows_null_items_only() -> None:
    field = get_field_from_type(list[Optional[int]])
    assert field.allow_null is False
    assert field.child.allow_null is True
    assert field.run_validation([1, None]) == [1, None]


@pytest.mark.parametrize("annotation", [dict[str, int], Dict[str, int]])
def test_dict_of_t_has_a_child_for_t(annotation: Any) -> None:
    field = get_field_from_type(annotation)
    assert type(field) is fields.DictField
    assert field.run_validation({"a": "3"}) == {"a": 3}


def test_bare_typing_dict_is_a_dict_field() -> None:
    assert type(get_field_from_type(Dict)) is fields.DictField


def test_literal_becomes_choice_field_with_its_values() -> None:
    field = get_field_from_type(Literal["a", "b"])
    assert type(field) is fields.ChoiceField
    assert list(field.choices) == ["a", "b"]
    with pytest.raises(serializers.ValidationError):
        field.run_validation("c")


def test_literal_with_none_allows_null() -> None:
    field = get_field_from_type(Literal["a", None])
    assert list(field.choices) == ["a"]
    assert field.allow_null is True


def test_enum_becomes_choice_field_not_char_field() -> None:
    field = get_field_from_type(Color)
    assert type(field) is fields.ChoiceField
    assert list(field.choices) == ["r", "g"]


@pytest.mark.parametrize("annotation", [Optional[int], int | None, None | int])
def test_optional_allows_null_but_stays_required(annotation: Any) -> None:
    field = get_field_from_type(annotation)
    assert type(field) is fields.IntegerField
    assert field.allow_null is True
    assert field.required is True


def test_optional_can_be_made_not_required_by_kwargs() -> None:
    field = get_field_from_type(Optional[str], required=False)
    assert field.allow_null is True and field.required is False


def test_kwargs_win_over_what_the_annotation_implies() -> None:
    assert get_field_from_type(Optional[int], allow_null=False).allow_null is False
    assert list(get_field_from_type(Literal["a"], choices=["z"]).choices) == ["z"]


def test_not_required_sets_required_false() -> None:
    field = get_field_from_type(NotRequired[Optional[str]])
    assert type(field) is fields.CharField
    assert field.required is False and field.allow_null is True


def test_annotated_maps_like_its_type() -> None:
    field = get_field_from_type(Annotated[Optional[Decimal], "metadata"])
    assert type(field) is fields.DecimalField
    assert field.allow_null is True


# -- nested serializers ------------------------------------------------------


def test_serializer_class_nests_an_instance() -> None:
    field = get_field_from_type(AddressSerializer)
    assert type(field) is AddressSerializer
    assert field.run_validation({"city": "Oslo"}) == {"city": "Oslo"}


def test_list_of_serializer_class_is_many() -> None:
    field = get_field_from_type(list[AddressSerializer])
    assert isinstance(field, serializers.ListSerializer)
    assert type(field.child) is AddressSerializer
    assert field.run_validation([{"city": "Oslo"}]) == [{"city": "Oslo"}]


def test_optional_nested_serializer_allows_null() -> None:
    field = get_field_from_type(Optional[AddressSerializer])
    assert type(field) is AddressSerializer
    assert field.allow_null is True
    assert field.run_validation(None) is None


# -- NewType, MRO, extension -------------------------------------------------


def test_unregistered_newtype_maps_like_its_supertype() -> None:
    user_id = NewType("user_id", int)
    assert type(get_field_from_type(user_id)) is fields.IntegerField


def test_subclass_of_registered_type_maps_through_mro() -> None:
    field = get_field_from_type(Price)
    assert type(field) is fields.DecimalField
    assert field.max_digits is None


@pytest.mark.usefixtures("restore_map")
def test_register_type_adds_a_row_with_default_kwargs() -> None:
    with pytest.raises(TypeError):
        get_field_from_type(Point)
    register_type(Point, fields.CharField, max_length=10)
    field = get_field_from_type(Point, help_text="x,y")
    assert type(field) is fields.CharField
    assert field.max_length == 10 and field.help_text == "x,y"
    assert type(get_field_from_type(list[Point]).child) is fields.CharField


@pytest.mark.usefixtures("restore_map")
def test_register_type_replaces_a_row_and_covers_subclasses() -> None:
    register_type(Decimal, fields.FloatField)
    assert type(get_field_from_type(Price)) is fields.FloatField


@pytest.mark.usefixtures("restore_map")
def test_register_type_accepts_newtypes() -> None:
    slug = NewType("slug", str)
    register_type(slug, fields.SlugField)
    assert type(get_field_from_type(slug)) is fields.SlugField


@pytest.mark.parametrize(
    ("python_type", "field_class", "fragment"),
    [
        (Point, int, "rest_framework.fields.Field"),
        (list[int], fields.ListField, "only classes and NewTypes"),
        (object, fields.CharField, "every class"),
    ],
)
def test_register_type_rejects_what_cannot_be_a_row(
    python_type: Any, field_class: Any, fragment: str
) -> None:
    with pytest.raises(TypeError, match=fragment):
        register_type(python_type, field_class)


# -- unsupported annotations -------------------------------------------------


class ProductSerializer:
    pass


@pytest.mark.parametrize(
    ("annotation", "described"),
    [
        (set[str], "set[str]"),
        (int | str, "int | str"),
        (tuple[int, int], "tuple[int, int]"),
        (Point, "Point"),
        (object, "object"),
        (dict[int, str], "dict[int, str]"),
    ],
)
def test_unsupported_annotation_names_attribute_and_type(annotation: Any, described: str) -> None:
    with pytest.raises(TypeError) as info:
        get_field_from_type(annotation, name="tags", owner=ProductSerializer)
    message = str(info.value)
    assert message.startswith(f"ProductSerializer.tags: unsupported annotation {described}")
    assert "supported: str, int, float, bool, Decimal" in message


def test_unsupported_item_of_a_list_is_named() -> None:
    with pytest.raises(
        TypeError, match=r"^tags: unsupported annotation list\[set\[int\]\] \(set\[int\]"
    ):
        get_field_from_type(list[set[int]], name="tags")


def test_string_annotation_asks_for_resolution() -> None:
    with pytest.raises(TypeError, match=r"unresolved annotation 'int'.*resolve_annotations"):
        get_field_from_type("int")


# -- resolve_annotations -----------------------------------------------------


def test_future_annotations_are_resolved_to_objects() -> None:
    hints = resolve_annotations(future_annotated.Product)
    assert hints["price"] == Optional[Decimal]
    assert hints["tags"] == list[str]
    assert hints["contact"] is Email
    assert hints["maker"] is future_annotated.Maker
    assert hints["weight"] == Annotated[float, "kg"]  # extras are kept
    assert hints["note"] == NotRequired[Optional[str]]


def test_resolved_annotations_are_inherited_base_first_and_skip_class_constants() -> None:
    hints = resolve_annotations(future_annotated.Product)
    assert list(hints) == [
        "id",
        "created",
        "name",
        "price",
        "tags",
        "contact",
        "status",
        "weight",
        "note",
        "maker",
        "parts",
    ]
    assert hints["created"] is datetime.date  # the subclass's type wins
    assert "registry" not in hints and "KIND" not in hints


def test_stop_at_leaves_out_a_base_and_its_ancestors() -> None:
    hints = resolve_annotations(future_annotated.Product, stop_at=future_annotated.Base)
    assert "id" not in hints
    assert list(hints)[:2] == ["created", "name"]  # re-annotated on Product: kept


def test_resolved_future_annotations_build_fields() -> None:
    built = {
        name: get_field_from_type(hint, name=name, owner=future_annotated.Product)
        for name, hint in resolve_annotations(future_annotated.Product).items()
    }
    assert type(built["price"]) is fields.DecimalField and built["price"].allow_null
    assert type(built["contact"]) is fields.EmailField
    assert type(built["status"]) is fields.ChoiceField
    assert type(built["weight"]) is fields.FloatField
    assert built["note"].required is False
    assert type(built["maker"]) is future_annotated.Maker
    assert isinstance(built["parts"], serializers.ListSerializer)


def test_unresolvable_annotation_names_class_and_attribute() -> None:
    with pytest.raises(TypeError, match=r"^Broken\.missing: cannot resolve annotation 'Undefined'"):
        resolve_annotations(future_annotated.Broken)


def test_localns_resolves_names_from_a_function_scope() -> None:
    class Local:
        pass

    class Holder:
        item: Local
        count: int

    with pytest.raises(TypeError, match=r"Holder\.item: cannot resolve annotation 'Local'"):
        resolve_annotations(Holder)
    assert resolve_annotations(Holder, localns={"Local": Local}) == {"item": Local, "count": int}


def test_class_constants_declared_in_a_function_are_skipped() -> None:
    class Plain:
        count: int
        cache: ClassVar[int] = 0

    assert resolve_annotations(Plain) == {"count": int}
