from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .views import ComplaintReportViewSet, ComplaintViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("complaints", ComplaintViewSet, basename="complaint")

urlpatterns = [
    # Before the router: "reports" is not a complaint id.
    path(
        "complaints/reports/daily/",
        ComplaintReportViewSet.as_view({"get": "daily"}),
        name="complaint-report-daily",
    ),
    path(
        "complaints/reports/weekly/",
        ComplaintReportViewSet.as_view({"get": "weekly"}),
        name="complaint-report-weekly",
    ),
    path(
        "complaints/reports/monthly/",
        ComplaintReportViewSet.as_view({"get": "monthly"}),
        name="complaint-report-monthly",
    ),
    path("", include(router.urls)),
]
