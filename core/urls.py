from django.contrib.auth import views as auth_views
from django.urls import path

from .views import pages

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", pages.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", pages.notification_list, name="notifications"),
    path("notifications/read/", pages.notification_read, name="notification_read"),
    path("attachments/<int:pk>/", pages.attachment_download, name="attachment"),
]
