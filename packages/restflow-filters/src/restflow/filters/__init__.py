"""restflow.filters: declarative, typed FilterSets for Django REST framework.

Part of the restflow-filters distribution; depends on restflow-core only.
"""

from restflow.filters.backend import RestflowFilterBackend
from restflow.filters.fields import (
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    EmailField,
    Field,
    FloatField,
    IntegerField,
    IPAddressField,
    ListField,
    MultipleChoiceField,
    StringField,
    TimeField,
    UUIDField,
)
from restflow.filters.filterset import FilterSet, InlineFilterSet
from restflow.filters.options import RelatedField
from restflow.filters.ordering import OrderField
from restflow.typemap import Email, IPAddress

__all__ = [
    "BooleanField",
    "ChoiceField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "Email",
    "EmailField",
    "Field",
    "FilterSet",
    "FloatField",
    "IPAddress",
    "IPAddressField",
    "InlineFilterSet",
    "IntegerField",
    "ListField",
    "MultipleChoiceField",
    "OrderField",
    "RelatedField",
    "RestflowFilterBackend",
    "StringField",
    "TimeField",
    "UUIDField",
]
