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


class Reading(models.Model):
    """One column of each kind a representation plan handles (and nulls)."""

    class Unit(models.TextChoices):
        CELSIUS = "c", "Celsius"
        KELVIN = "k", "Kelvin"

    sensor = models.ForeignKey(Author, null=True, on_delete=models.SET_NULL)
    count = models.IntegerField()
    value = models.FloatField(null=True)
    exact = models.DecimalField(max_digits=8, decimal_places=3)
    ok = models.BooleanField()
    note = models.TextField(blank=True)
    unit = models.CharField(max_length=1, choices=Unit.choices)
    taken_at = models.DateTimeField()
    day = models.DateField(null=True)
    at = models.TimeField(null=True)
    span = models.DurationField(null=True)
    token = models.UUIDField()
    email = models.EmailField(blank=True)

    class Meta:
        app_label = "sertests"


class Edition(models.Model):
    """Uniqueness of every kind DRF turns into field options and validators."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="editions")
    number = models.PositiveIntegerField()
    isbn = models.CharField(max_length=13, unique=True)
    slug = models.SlugField(unique_for_date="published")
    published = models.DateField()
    printed_at = models.DateTimeField(auto_now_add=True)
    copies = models.IntegerField(default=100, help_text="How many were printed.")
    format = models.CharField(max_length=5, choices=[("hb", "Hardback"), ("pb", "Paperback")])

    class Meta:
        app_label = "sertests"
        unique_together = [("book", "number")]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "format"], condition=models.Q(copies__gt=0), name="one_live_format"
            )
        ]


LIMIT_CALLS: list[int] = []


def authors_starting_with_a() -> models.Q:
    """A callable ``limit_choices_to``: DRF calls it whenever it builds the field."""
    LIMIT_CALLS.append(1)
    return models.Q(name__startswith="A")


class Quote(models.Model):
    author = models.ForeignKey(
        Author, on_delete=models.CASCADE, limit_choices_to=authors_starting_with_a
    )
    text = models.TextField()

    class Meta:
        app_label = "sertests"
