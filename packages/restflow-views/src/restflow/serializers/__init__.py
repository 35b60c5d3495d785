"""restflow.serializers: typed DRF serializers with an async surface (restflow-views).

Annotations declare fields (``name: str``), resolved once at class
creation; every serializer has ``ais_valid``, ``arun_validation``,
``ato_internal_value``, ``asave``, ``acreate``, ``aupdate`` and
``await serializer.adata``.
"""

from restflow.serializers.declare import Field
from restflow.serializers.inline import InlineSerializer
from restflow.serializers.listing import ListSerializer
from restflow.serializers.model import HyperlinkedModelSerializer, ModelSerializer
from restflow.serializers.serializer import Serializer
from restflow.serializers.validated import ValidatedData
from restflow.typemap import Email, IPAddress, get_field_from_type, register_type

__all__ = [
    "Email",
    "Field",
    "HyperlinkedModelSerializer",
    "IPAddress",
    "InlineSerializer",
    "ListSerializer",
    "ModelSerializer",
    "Serializer",
    "ValidatedData",
    "get_field_from_type",
    "register_type",
]
