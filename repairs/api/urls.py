from django.urls import include, path
from rest_framework.routers import DefaultRouter

from .views import DailyReturnViewSet, PriceItemViewSet, RepairOrderViewSet

router = DefaultRouter()
router.register("repairs/orders", RepairOrderViewSet, basename="repair-order")
router.register("repairs/prices", PriceItemViewSet, basename="repair-price")
router.register("repairs/returns", DailyReturnViewSet, basename="repair-return")

urlpatterns = [path("", include(router.urls))]
