"""scripts/docs_reference.py: the API reference's directives, and the docs build's check."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from docs_reference import Directive, drop_roles, missing_headings, on_page_content, parse

PAGE = """# Reference

::: restflow.exceptions.Conflict

::: restflow.caching.InvalidationRule
    options:
      members: [wrapper, detach]

::: restflow.caching.ArgsKeyField
    options:
      members: false
"""


def test_directives_are_read_with_their_members_and_line() -> None:
    assert parse(PAGE, "caching.md") == [
        Directive("restflow.exceptions.Conflict", None, "caching.md:3"),
        Directive("restflow.caching.InvalidationRule", ("wrapper", "detach"), "caching.md:5"),
        Directive("restflow.caching.ArgsKeyField", False, "caching.md:9"),
    ]


def test_a_members_option_that_is_neither_a_list_nor_a_boolean_is_refused() -> None:
    with pytest.raises(ValueError, match=r"x\.md:1: members must be a list"):
        parse("::: restflow.typemap\n    options:\n      members: Email\n", "x.md")


def test_every_listed_heading_must_be_in_the_html() -> None:
    html = (
        '<h3 id="restflow.exceptions.Conflict">…</h3>'
        '<h3 id="restflow.caching.InvalidationRule">…</h3>'
        '<h4 id="restflow.caching.InvalidationRule.wrapper">…</h4>'
        '<h3 id="restflow.caching.ArgsKeyField">…</h3>'
    )
    assert missing_headings(PAGE, html, "caching.md") == [
        "caching.md:5: restflow.caching.InvalidationRule.detach"
    ]


def test_the_hook_warns_on_reference_pages_only(caplog: pytest.LogCaptureFixture) -> None:
    def page(src_uri: str) -> SimpleNamespace:
        return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri), markdown=PAGE)

    with caplog.at_level(logging.WARNING):
        assert on_page_content("<p></p>", page("guide.md")) == "<p></p>"
        assert not caplog.records
        on_page_content("<p></p>", page("reference/caching.md"))
    assert len(caplog.records) == 5
    assert "reference/caching.md:3: restflow.exceptions.Conflict" in caplog.records[0].message


def test_sphinx_roles_are_dropped_from_the_rendered_reference() -> None:
    html = (
        "<p>Async twin of :meth:<code>get</code>; see "
        ":class:<code>~restflow.filters.FilterSet</code> and :data:<code>CACHE_MISSING</code>.</p>"
    )
    assert drop_roles(html) == (
        "<p>Async twin of <code>get</code>; see <code>FilterSet</code> and "
        "<code>CACHE_MISSING</code>.</p>"
    )
