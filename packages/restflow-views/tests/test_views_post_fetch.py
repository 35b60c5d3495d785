"""PostFetch: one query per PostFetch, limit per parent, sync fetch and async afetch alike."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext

from restflow.views import PostFetch
from viewtests.models import Category, Product, Review

pytestmark = pytest.mark.django_db

PATHS = ["fetch", "afetch"]


def _run(post_fetch: PostFetch, path: str, objects: Any) -> int:
    """Run one path on ``objects``; the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        if path == "fetch":
            post_fetch.fetch(objects)
        else:
            async_to_sync(post_fetch.afetch)(objects)
    return len(queries)


@pytest.fixture
def catalogue() -> list[Product]:
    products = [Product.objects.create(name=f"p{i}", price=i) for i in range(4)]
    for product in products[:3]:
        for seq in range(product.price + 1):
            Review.objects.create(product=product, rating=10 * product.price + seq, seq=seq)
    return products  # p0: 1 review, p1: 2, p2: 3, p3: none


@pytest.mark.parametrize("path", PATHS)
def test_one_query_for_the_whole_page(catalogue, path):
    fetch = PostFetch(queryset=Review.objects.all(), to_attr="all_reviews", product_id="id")
    assert _run(fetch, path, catalogue) == 1
    assert [len(p.all_reviews) for p in catalogue] == [1, 2, 3, 0]
    assert all(isinstance(r, Review) for r in catalogue[2].all_reviews)


@pytest.mark.parametrize("path", PATHS)
def test_limit_applies_per_parent_in_order(catalogue, path):
    fetch = PostFetch(
        queryset=Review.objects.all(),
        to_attr="latest",
        values=["rating"],
        order_by=("-seq",),
        limit=2,
        product_id="id",
    )
    assert _run(fetch, path, catalogue) == 1
    assert [p.latest for p in catalogue] == [
        [{"rating": 0}],
        [{"rating": 11}, {"rating": 10}],
        [{"rating": 22}, {"rating": 21}],
        [],
    ]
    assert "ROW_NUMBER" in str(fetch.query(catalogue).query).upper()


@pytest.mark.parametrize("path", PATHS)
def test_values_keep_the_join_field_when_asked(catalogue, path):
    fetch = PostFetch(
        queryset=Review.objects.all(),
        to_attr="rows",
        values=["rating", "product_id"],
        order_by=("seq",),
        product_id="id",
    )
    _run(fetch, path, catalogue[1:2])
    assert catalogue[1].rows == [
        {"rating": 10, "product_id": catalogue[1].pk},
        {"rating": 11, "product_id": catalogue[1].pk},
    ]


@pytest.mark.parametrize("path", PATHS)
def test_single_object(catalogue, path):
    fetch = PostFetch(queryset=Review.objects.all(), to_attr="reviews_", product_id="id")
    assert _run(fetch, path, catalogue[2]) == 1
    assert sorted(r.seq for r in catalogue[2].reviews_) == [0, 1, 2]


@pytest.mark.parametrize("path", PATHS)
def test_joining_on_a_foreign_key_name_reads_its_id_without_queries(db, path):
    fruit = Category.objects.create(name="fruit")
    veg = Category.objects.create(name="veg")
    Product.objects.create(name="apple", category=fruit)
    Product.objects.create(name="pear", category=fruit)
    Product.objects.create(name="leek", category=veg)
    categories = [fruit, veg]
    fetch = PostFetch(
        queryset=Product.objects.all(), to_attr="items", order_by=("name",), category="id"
    )
    assert _run(fetch, path, categories) == 1
    assert [[p.name for p in c.items] for c in categories] == [["apple", "pear"], ["leek"]]


@pytest.mark.parametrize("path", PATHS)
def test_dict_parents_and_empty_input(catalogue, path):
    parents = [{"id": catalogue[0].pk}, {"id": catalogue[3].pk}]
    fetch = PostFetch(queryset=Review.objects.all(), to_attr="r", values=["seq"], product_id="id")
    _run(fetch, path, parents)
    assert parents == [{"id": catalogue[0].pk, "r": [{"seq": 0}]}, {"id": catalogue[3].pk, "r": []}]
    assert _run(fetch, path, []) == 0


@pytest.mark.parametrize("path", PATHS)
def test_two_join_fields(catalogue, path):
    # parents are plain objects carrying both keys
    class Key:
        def __init__(self, product_id: int, seq: int) -> None:
            self.pid, self.seq = product_id, seq

    keys = [Key(catalogue[2].pk, 1), Key(catalogue[1].pk, 0), Key(catalogue[0].pk, 5)]
    fetch = PostFetch(
        queryset=Review.objects.all(),
        to_attr="match",
        values=["rating"],
        product_id="pid",
        seq="seq",
    )
    assert _run(fetch, path, keys) == 1
    assert [k.match for k in keys] == [[{"rating": 21}], [{"rating": 10}], []]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"queryset": [], "to_attr": "x", "product_id": "id"}, "must be a QuerySet"),
        ({"to_attr": "", "product_id": "id"}, "to_attr must be a non-empty string"),
        ({"to_attr": "x"}, "at least one join"),
        ({"to_attr": "x", "limit": 0, "product_id": "id"}, "limit must be a positive integer"),
        ({"to_attr": "x", "values": "rating", "product_id": "id"}, "take a list"),
        ({"to_attr": "x", "product_id": 3}, "must name a parent attribute"),
    ],
)
def test_bad_declarations_raise_type_error(kwargs, message):
    kwargs.setdefault("queryset", Review.objects.all())
    with pytest.raises(TypeError, match=message):
        PostFetch(**kwargs)
