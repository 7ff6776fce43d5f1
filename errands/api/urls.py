from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("ticket-bookings", views.TicketViewSet, basename="ticketbooking")
router.register("concierge-errands", views.ErrandViewSet, basename="conciergeerrand")
router.register("laundry-orders", views.LaundryViewSet, basename="laundryorder")
router.register("petty-cash-uses", views.CashUseViewSet, basename="pettycashuse")
router.register("phone-calls", views.CallViewSet, basename="phonecall")

urlpatterns = [path("", include(router.urls))]
