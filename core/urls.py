from django.contrib.auth import views as auth_views
from django.urls import path

from .views import pages, settings

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", pages.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", pages.notification_list, name="notifications"),
    path("notifications/read/", pages.notification_read, name="notification_read"),
    path("attachments/<int:pk>/", pages.attachment_download, name="attachment"),
    path("settings/property/", settings.PropertySettingsIndexView.as_view(), name="property_settings_index"),
    path("settings/property/<int:pk>/", settings.PropertySettingsView.as_view(), name="property_settings"),
    path("settings/rules/", settings.RuleSettingsIndexView.as_view(), name="rule_settings_index"),
    path("settings/property/<int:pk>/rules/", settings.RuleSettingsView.as_view(), name="rule_settings"),
    path("settings/calendar/", settings.CalendarView.as_view(), name="calendar"),
    path("settings/permissions/", pages.permission_matrix, name="permissions"),
    path("settings/calendar/seed/", settings.CalendarSeedView.as_view(), name="calendar_seed"),
    path(
        "settings/calendar/day/<int:pk>/remove/",
        settings.CalendarDayRemoveView.as_view(),
        name="calendar_day_remove",
    ),
]
