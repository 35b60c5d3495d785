"""Seed the demo data on first start: a demo user, four categories, 50 products, reviews.

The demo user is ``demo`` with the password ``restflow-demo`` (docs/example/README.md).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import migrations

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "restflow-demo"

CATEGORIES = [
    ("Books", "books", ["Atlas", "Cookbook", "Novel", "Poems", "Field guide"]),
    ("Games", "games", ["Chess set", "Puzzle", "Card game", "Board game", "Dice"]),
    ("Garden", "garden", ["Rake", "Watering can", "Seeds", "Gloves", "Planter"]),
    ("Kitchen", "kitchen", ["Kettle", "Teapot", "Knife", "Pan", "Whisk"]),
]
EDITIONS = ["classic", "deluxe"]
COMMENTS = ["Does the job.", "Great value.", "Would buy again.", "Not for me.", ""]


def seed(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    User = apps.get_model("auth", "User")
    Category = apps.get_model("catalog", "Category")
    Product = apps.get_model("catalog", "Product")
    Review = apps.get_model("catalog", "Review")

    user, _ = User.objects.using(db).get_or_create(
        username=DEMO_USERNAME,
        defaults={"password": make_password(DEMO_PASSWORD), "email": "demo@example.com"},
    )
    number = 0
    for name, slug, items in CATEGORIES:
        category, _ = Category.objects.using(db).get_or_create(slug=slug, defaults={"name": name})
        for item in items:
            for edition in EDITIONS:
                number += 1
                product = Product.objects.using(db).create(
                    category=category,
                    name=f"{item} ({edition})",
                    description=f"A {edition} {item.lower()} from the {name.lower()} shelf.",
                    price=Decimal(number * 7 % 90 + 5) + Decimal("0.99"),
                    in_stock=number % 5 != 0,
                )
                Review.objects.using(db).bulk_create(
                    Review(
                        product=product,
                        author=user,
                        rating=(number + n) % 5 + 1,
                        comment=COMMENTS[(number + n) % len(COMMENTS)],
                    )
                    for n in range(number % 4)
                )
    # ten more, without reviews, to reach 50 products
    garden = Category.objects.using(db).get(slug="garden")
    for n in range(1, 11):
        Product.objects.using(db).create(
            category=garden,
            name=f"Flower pot no. {n}",
            description="A terracotta pot.",
            price=Decimal(n) + Decimal("0.50"),
            in_stock=n % 3 != 0,
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    apps.get_model("catalog", "Product").objects.using(db).all().delete()
    apps.get_model("catalog", "Category").objects.using(db).all().delete()
    apps.get_model("auth", "User").objects.using(db).filter(username=DEMO_USERNAME).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(seed, unseed)]
