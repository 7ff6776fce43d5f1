from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
# The sub-collections first: "callbacks/<pk>/" would otherwise swallow "callbacks/visits/".
router.register("callbacks/contracts", views.ContractViewSet, basename="callback-contract")
router.register("callbacks/activities", views.ActivityViewSet, basename="callback-activity")
router.register("callbacks/plans", views.VisitPlanViewSet, basename="visit-plan")
router.register("callbacks/visits", views.OwnerVisitViewSet, basename="owner-visit")
router.register("callbacks/quarterly-reports", views.QuarterlyReportViewSet, basename="quarterly-report")
router.register("callbacks/surveys", views.SurveyViewSet, basename="survey")
router.register("callbacks", views.CallbackViewSet, basename="callback")

urlpatterns = [path("", include(router.urls))]
