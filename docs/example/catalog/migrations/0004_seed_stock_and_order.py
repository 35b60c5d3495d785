"""Seed the stock of the demo products and one order of the demo user.

Products in stock get 1 to 20 units (out-of-stock ones none); the demo user has
already bought two kettles and a cookbook, taken from that stock.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

DEMO_USERNAME = "demo"
DEMO_ORDER = [("Kettle (classic)", 2), ("Cookbook (classic)", 1)]


def seed(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    Product = apps.get_model("catalog", "Product")
    Order = apps.get_model("catalog", "Order")
    OrderLine = apps.get_model("catalog", "OrderLine")

    products = list(Product.objects.using(db).order_by("id"))
    for number, product in enumerate(products, start=1):
        product.stock = number * 7 % 20 + 1 if product.in_stock else 0
    Product.objects.using(db).bulk_update(products, ["stock"])

    user = apps.get_model("auth", "User").objects.using(db).filter(username=DEMO_USERNAME).first()
    by_name = {product.name: product for product in products}
    bought = [(by_name[name], quantity) for name, quantity in DEMO_ORDER if name in by_name]
    if user is None or not bought:
        return
    order = Order.objects.using(db).create(
        owner=user, total=sum(product.price * quantity for product, quantity in bought)
    )
    for product, quantity in bought:
        OrderLine.objects.using(db).create(
            order=order,
            product=product,
            name=product.name,
            quantity=quantity,
            unit_price=product.price,
        )
        product.stock -= quantity
        product.save(update_fields=["stock"])


def unseed(apps: Any, schema_editor: Any) -> None:
    db = schema_editor.connection.alias
    apps.get_model("catalog", "Order").objects.using(db).all().delete()
    apps.get_model("catalog", "Product").objects.using(db).update(stock=0)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_orders")]

    operations = [migrations.RunPython(seed, unseed)]
