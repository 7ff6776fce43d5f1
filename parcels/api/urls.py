from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("parcels", views.ParcelViewSet, basename="parcel")
router.register("parcel-batches", views.BatchViewSet, basename="parcel-batch")
router.register("mail-slips", views.SlipViewSet, basename="mail-slip")
router.register("letters", views.LetterViewSet, basename="letter")

urlpatterns = [path("", include(router.urls))]
