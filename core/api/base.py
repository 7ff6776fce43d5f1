"""API foundations: pagination, the DomainError → 4xx mapping, the scoped base viewset and its service actions."""

from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


class ScopedPK(serializers.PrimaryKeyRelatedField):
    """A related id limited to the requesting user's properties for `action`: another property's id does not
    exist. An area subclasses it with its own `default_action`, or passes action=… per field."""

    default_action = "view"

    def __init__(self, *, action=None, **kw):
        self.action = action or self.default_action
        super().__init__(**kw)

    def get_queryset(self):
        qs = super().get_queryset()
        request = self.context.get("request")
        return qs.restrict(request.user, self.action) if request else qs.none()


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


class ServiceActionMixin:
    """A state change over the API: the body checked by a serializer → one service → the result serialized.

        @extend_schema(request=s.SealSerializer, responses=s.StoredItemSerializer)
        @action(detail=True, methods=["post"])
        def seal(self, request, pk=None):
            return self.service_action(services.stored_item_seal, s.SealSerializer, item=self.get_object())

    The service is called as service(actor=<user>, **targets, **<validated body>). An invalid body is a 400
    with the field errors; a DomainError from the service is a 400 (on its field), 403 or 409 through
    exception_handler above. The answer is respond(<the service's result>, status), or respond(respond_with)
    when the service returns something else; a viewset overrides respond() to answer with a fresh row.
    """

    def validated(self, serializer_class) -> dict:
        """The request body checked by `serializer_class` (400 with the field errors when invalid)."""
        ser = serializer_class(data=self.request.data, context={"request": self.request})
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    def run_service(self, service, serializer_class=None, /, **targets):
        data = self.validated(serializer_class) if serializer_class is not None else {}
        return service(actor=self.request.user, **targets, **data)

    def service_action(self, service, serializer_class=None, /, *, status=200, respond_with=None, **targets):
        result = self.run_service(service, serializer_class, **targets)
        return self.respond(result if respond_with is None else respond_with, status)

    def create_action(self, service, serializer_class, /, *, status=201, **targets):
        """A POST to the list: like service_action, the body's `property` (scoped by its serializer) handed
        to the service as prop=…, answered 201."""
        data = self.validated(serializer_class)
        result = service(actor=self.request.user, prop=data.pop("property"), **targets, **data)
        return self.respond(result, status)

    def respond(self, obj, status=200):
        return Response(self.get_serializer(obj).data, status=status)


class ScopedViewSetMixin(ServiceActionMixin):
    """Rows restricted to the user's properties for `permission_action` (another property's row → 404)."""

    permission_action = "view"
    queryset = None

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, self.permission_action)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
