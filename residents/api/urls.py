from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("residents", views.ResidentViewSet, basename="resident")
router.register("occupancies", views.OccupancyViewSet, basename="occupancy")
router.register("contact-persons", views.ContactPersonViewSet, basename="contactperson")
router.register("emergency-contacts", views.EmergencyContactViewSet, basename="emergencycontact")
router.register("correspondence", views.CorrespondenceViewSet, basename="correspondence")
router.register("archive-access-grants", views.ArchiveAccessGrantViewSet, basename="archiveaccessgrant")
router.register("archive-access-log", views.ArchiveAccessLogViewSet, basename="archiveaccesslog")
router.register("customer-assignments", views.CustomerAssignmentViewSet, basename="customerassignment")
router.register("customer-needs", views.CustomerNeedViewSet, basename="customerneed")

urlpatterns = [
    path("residents/import/", views.RosterImportView.as_view(), name="resident-roster-import"),
    path("customer-developments/", views.CustomerDevelopmentsView.as_view(), name="customer-developments"),
    path(
        "customer-developments/review/",
        views.DevelopmentReviewView.as_view(),
        name="customer-developments-review",
    ),
    path("", include(router.urls)),
]
