from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("stored-items", views.StoredItemViewSet, basename="stored-item")
router.register("lost-ticket-reports", views.LostTicketReportViewSet, basename="lost-ticket-report")
router.register("held-items", views.HeldItemViewSet, basename="held-item")
router.register("found-items", views.FoundItemViewSet, basename="found-item")
router.register("custody-checks", views.CustodyCheckViewSet, basename="custody-check")

urlpatterns = [path("", include(router.urls))]
