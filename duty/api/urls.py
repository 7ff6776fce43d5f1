from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("duty-entries", views.DutyEntryViewSet, basename="duty-entry")
router.register("special-reports", views.SpecialReportViewSet, basename="special-report")
router.register("duty-days", views.DutyDayViewSet, basename="duty-day")
router.register("handovers", views.HandoverViewSet, basename="handover")
router.register("duty-posts", views.PostViewSet, basename="duty-post")
router.register("post-shifts", views.PostShiftViewSet, basename="post-shift")

urlpatterns = [path("", include(router.urls))]
