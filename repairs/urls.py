from django.urls import path

from . import views

app_name = "repairs"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("new/emergency/", views.emergency, name="emergency"),
    path("new/<str:scope>/", views.intake, name="intake"),
    path("<int:pk>/step/<str:name>/", views.step, name="step"),
    path("<int:pk>/print/", views.work_order_print, name="print"),
    path("returns/", views.returns, name="returns"),
    path("unfinished/", views.unfinished, name="unfinished"),
    path("prices/", views.prices, name="prices"),
    path("prices/<int:pk>/", views.price_edit, name="price_edit"),
]
