"""Service and selector specs: keyword injection read once, bad declarations refused at once."""

from __future__ import annotations

import functools
import subprocess
import sys
from typing import Any

import pytest

from restflow.services import SelectorSpec, ServiceSpec
from restflow.services.injection import Injection
from restflow.services.spec import as_selector_spec, as_service_spec


def create_author(*, data: dict[str, Any], user: Any) -> dict[str, Any]:
    return {"data": data, "user": user}


def takes_everything(**kwargs: Any) -> dict[str, Any]:
    return kwargs


def positional_only(data: Any, /) -> Any:
    return data


async def afetch(*, request: Any, timeout_hint: int = 3) -> Any:
    return request


def test_each_callable_receives_only_the_names_it_declares() -> None:
    spec = ServiceSpec(service=create_author)
    available = {"data": {"name": "a"}, "user": "u", "request": "r", "instance": None, "pk": 1}
    assert spec.injection.kwargs(available) == {"data": {"name": "a"}, "user": "u"}


def test_a_callable_with_var_keyword_receives_every_available_name() -> None:
    spec = SelectorSpec(selector=takes_everything)
    assert spec.injection.kwargs({"request": "r", "pk": 2}) == {"request": "r", "pk": 2}


def test_a_default_keeps_an_optional_name_out_of_the_call_when_missing() -> None:
    spec = ServiceSpec(service=afetch)
    assert spec.injection.kwargs({"request": "r"}) == {"request": "r"}
    assert spec.is_async


def test_the_signature_is_read_once_per_spec() -> None:
    spec = ServiceSpec(service=create_author)
    assert spec.injection is spec.injection
    assert spec.injection == Injection(
        frozenset({"data", "user"}), frozenset({"data", "user"}), False
    )


def test_an_unknown_parameter_is_a_type_error_naming_the_callable_and_the_parameter() -> None:
    def place_order(*, data: Any, warehouse: Any) -> None: ...

    spec = ServiceSpec(service=place_order)
    with pytest.raises(TypeError, match=r"place_order declares parameter 'warehouse'"):
        spec.check_names(())
    spec.check_names(("warehouse",))  # a URL keyword argument the view passes


def test_url_kwargs_declared_on_the_spec_are_accepted() -> None:
    def author_books(*, author_id: int) -> list[Any]:
        return []

    SelectorSpec(selector=author_books, url_kwargs=("author_id",)).check_names(())


def test_positional_only_parameters_are_refused_at_spec_creation() -> None:
    with pytest.raises(TypeError, match=r"positional_only: parameter 'data' is positional-only"):
        ServiceSpec(service=positional_only)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"service": 3}, r"the service must be a callable"),
        ({"service": create_author, "atomic": "yes"}, r"atomic='yes'"),
        ({"service": create_author, "using": 1}, r"using=1"),
        ({"service": create_author, "input_serializer": "S"}, r"input_serializer='S'"),
        ({"service": create_author, "success_status": 404}, r"success_status=404"),
        ({"service": afetch, "timeout": -1}, r"timeout=-1"),
        ({"service": afetch, "url_kwargs": ("not a name",)}, r"'not a name'"),
        ({"service": create_author, "timeout": 2}, r"is sync and cannot be interrupted"),
    ],
)
def test_bad_service_declarations_fail_fast(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        ServiceSpec(**kwargs)


def test_a_partial_is_labelled_by_its_function() -> None:
    def needs(*, data: Any, shelf: Any) -> None: ...

    spec = ServiceSpec(service=functools.partial(needs, shelf=1))
    assert spec.injection.required == frozenset({"data"})
    assert spec.label.endswith("test_a_partial_is_labelled_by_its_function.<locals>.needs")
    with pytest.raises(TypeError, match=r"the selector must be a callable"):
        SelectorSpec(selector=None)  # type: ignore[arg-type]


def test_bare_callables_become_specs_and_wrong_kinds_are_named() -> None:
    assert as_service_spec(create_author, "V").service is create_author
    assert as_service_spec(create_author, "V").atomic is True
    assert as_selector_spec(afetch, "V").is_async
    with pytest.raises(TypeError, match=r"V: a SelectorSpec where a service is expected"):
        as_service_spec(SelectorSpec(selector=afetch), "V")
    with pytest.raises(TypeError, match=r"V: a ServiceSpec where a selector is expected"):
        as_selector_spec(ServiceSpec(service=afetch), "V")
    with pytest.raises(TypeError, match=r"V: a ServiceSpec or a callable"):
        as_service_spec(42, "V")


def test_service_code_imports_errors_and_helpers_without_drf() -> None:
    code = (
        "import sys\n"
        "from restflow.services import ServiceError, ServiceValidationError, ServiceNotFound,"
        " ServiceConflict, apply_input, create_from_input, acreate_from_input\n"
        "assert 'rest_framework' not in sys.modules, sorted(m for m in sys.modules if 'rest' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
