"""Models the serializer tests use."""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "sertests"


class Tag(models.Model):
    name = models.CharField(max_length=20, unique=True)

    class Meta:
        app_label = "sertests"


class Book(models.Model):
    title = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=6, decimal_places=2)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    tags = models.ManyToManyField(Tag, blank=True, related_name="books")
    published = models.DateField(null=True, blank=True)

    class Meta:
        app_label = "sertests"

    @property
    def label(self) -> str:
        return f"{self.title} ({self.price})"
