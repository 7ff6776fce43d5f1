"""/api/v1/: each area registers its viewsets on the one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from core.api import views as core_api

router = DefaultRouter()
core_api.register(router)

urlpatterns = [
    path("", include(router.urls)),
    path("", include("residents.api.urls")),
    path("", include("duty.api.urls")),
    path("", include("visitors.api.urls")),
    path("", include("parcels.api.urls")),
    path("", include("storage.api.urls")),
    path("", include("releases.api.urls")),
    path("", include("errands.api.urls")),
    path("", include("servicedesk.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("repairs.api.urls")),
    path("", include("assistance.api.urls")),
    path("", include("callbacks.api.urls")),
    path("", include("desk.api.urls")),
    path("", include("quality.api.urls")),
]
