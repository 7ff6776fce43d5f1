from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("help-requests", views.HelpRequestViewSet, basename="help-request")
router.register("help-incidents", views.IncidentViewSet, basename="help-incident")
router.register("help-register-batches", views.BatchViewSet, basename="help-register-batch")

urlpatterns = [path("", include(router.urls))]
