from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.nonconformity_list, name="list"),
    path("new/", views.nonconformity_create, name="create"),
    path("<int:pk>/", views.nonconformity_detail, name="detail"),
    path("<int:pk>/correct/", views.nonconformity_correct, name="correct"),
    path("<int:pk>/verify/", views.nonconformity_verify, name="verify"),
    path("<int:pk>/void/", views.nonconformity_void, name="void"),
]
