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
]
