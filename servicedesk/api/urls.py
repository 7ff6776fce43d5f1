from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .views import LanguageCheckView, PhrasebookView, ServiceRequestViewSet

router = DefaultRouter()
router.register("requests", ServiceRequestViewSet)

urlpatterns = [
    path("", include(router.urls)),
    path("language-check/", LanguageCheckView.as_view(), name="language-check"),
    path("phrases/", PhrasebookView.as_view(), name="phrases"),
]
