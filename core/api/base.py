"""API foundations: pagination, the DomainError → 4xx mapping, and the scoped base viewset."""

from rest_framework import exceptions, viewsets
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        mapped = {403: exceptions.PermissionDenied, 409: exceptions.APIException}.get(
            exc.status_code, exceptions.ValidationError
        )
        if mapped is exceptions.ValidationError:
            detail = {exc.field: [str(exc.message)]} if exc.field else {"detail": str(exc.message)}
            exc = exceptions.ValidationError(detail)
        else:
            err = mapped(str(exc.message))
            err.status_code = exc.status_code
            exc = err
    return drf_exception_handler(exc, context)


class ScopedViewSetMixin:
    """Rows restricted to the user's properties for `permission_action` (another property's row → 404)."""

    permission_action = "view"
    queryset = None

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, self.permission_action)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
