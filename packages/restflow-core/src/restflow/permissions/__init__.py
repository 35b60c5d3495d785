"""restflow.permissions: DRF-shaped permissions with a sync and a native async surface.

Part of the restflow-core distribution. Implement ``has_permission`` or
``ahas_permission`` (and the object twins) on :class:`BasePermission`;
combine classes with ``&``, ``|`` and ``~`` — the combinations work on DRF's
sync dispatch and on restflow's async one, and short-circuit on both.
"""

from restflow.permissions.base import BasePermission, PermissionMetaclass
from restflow.permissions.operators import (
    AND,
    NOT,
    OR,
    OperandHolder,
    SingleOperandHolder,
)
from restflow.permissions.standard import (
    SAFE_METHODS,
    AllowAny,
    DjangoModelPermissions,
    DjangoModelPermissionsOrAnonReadOnly,
    DjangoObjectPermissions,
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)

__all__ = [
    "AND",
    "NOT",
    "OR",
    "SAFE_METHODS",
    "AllowAny",
    "BasePermission",
    "DjangoModelPermissions",
    "DjangoModelPermissionsOrAnonReadOnly",
    "DjangoObjectPermissions",
    "IsAdminUser",
    "IsAuthenticated",
    "IsAuthenticatedOrReadOnly",
    "OperandHolder",
    "PermissionMetaclass",
    "SingleOperandHolder",
]
