from django.urls import path

from .views import DeskView

urlpatterns = [path("desk/", DeskView.as_view(), name="desk")]
