"""The example's product catalogue: categories, products and their reviews."""
