from django.urls import path

from . import views

app_name = "errands"
# Named shortcuts used by get_absolute_url and templates (before the generic patterns).
SHORTCUTS = [
    path("ticket/<int:pk>/", views.detail, {"key": "ticket"}, name="ticket"),
    path("errand/<int:pk>/", views.detail, {"key": "errand"}, name="errand"),
    path("laundry-order/<int:pk>/", views.detail, {"key": "laundry"}, name="laundry"),
    path("cash-use/<int:pk>/", views.detail, {"key": "cash"}, name="cash_use"),
    path("call/<int:pk>/", views.detail, {"key": "call"}, name="call"),
    path("new/ticket/", views.create, {"key": "ticket"}, name="ticket_new"),
    path("new/errand/", views.create, {"key": "errand"}, name="errand_new"),
    path("new/laundry/", views.create, {"key": "laundry"}, name="laundry_new"),
    path("new/cash/", views.create, {"key": "cash"}, name="cash_new"),
    path("new/call/", views.create, {"key": "call"}, name="call_new"),
]
urlpatterns = SHORTCUTS + [
    path("", views.index, name="index"),
    path("tickets/", views.tickets, name="tickets"),
    path("tickets/print/", views.tickets_print, name="tickets_print"),
    path("errands/", views.errands, name="errands"),
    path("errands/print/", views.errands_print, name="errands_print"),
    path("laundry/", views.laundry_list, name="laundry_list"),
    path("laundry/print/", views.laundry_print, name="laundry_print"),
    path("laundry/collect/", views.laundry_collect, name="laundry_collect"),
    path("laundry/rounds/<int:pk>/", views.laundry_round, name="laundry_round"),
    path("laundry/<int:pk>/slip/", views.laundry_slip, name="laundry_slip"),
    path("cash/", views.cash, name="cash"),
    path("cash/print/", views.cash_print, name="cash_print"),
    path("cash/replenish/", views.cash_replenish, name="cash_replenish"),
    path("cash/replenish/<int:pk>/receive/", views.cash_receive, name="cash_receive"),
    path("calls/", views.calls, name="calls"),
    path("calls/print/", views.calls_print, name="calls_print"),
    path("tickets/<int:pk>/print/", views.ticket_print, name="ticket_print"),
    path("new/<str:key>/", views.create, name="create"),
    path("<str:key>/<int:pk>/", views.detail, name="detail"),
    path("<str:key>/<int:pk>/<str:name>/", views.act, name="act"),
]
