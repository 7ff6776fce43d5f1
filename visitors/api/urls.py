from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("visitors/entries", views.VisitorEntryViewSet, basename="visitor-entry")
router.register("visitors/preauthorizations", views.PreauthorizationViewSet, basename="visitor-preauth")
router.register("visitors/keys", views.KeyForVisitorViewSet, basename="visitor-key")
router.register("visitors/spare-keys", views.SpareKeyViewSet, basename="visitor-spare-key")

urlpatterns = [path("", include(router.urls))]
