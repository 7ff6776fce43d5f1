from django.urls import path, re_path

from . import views

app_name = "visitors"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("new/", views.register, name="register"),
    path("occupants/", views.occupant_lookup, name="occupant_lookup"),
    path("entries/", views.EntryListView.as_view(), name="entries"),
    path("sheet/", views.today_sheet, name="sheet_today"),
    re_path(r"^sheet/(?P<day>\d{4}-\d{2}-\d{2})/$", views.day_sheet, name="sheet"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/contact/", views.entry_contact, name="contact"),
    path("<int:pk>/message/", views.entry_message, name="message"),
    path("<int:pk>/lookup/", views.entry_lookup, name="lookup"),
    path("<int:pk>/extend/", views.entry_extend, name="extend"),
    path("<int:pk>/leave/", views.entry_leave, name="leave"),
    path("<int:pk>/cancel/", views.entry_cancel, name="cancel"),
    path("<int:pk>/spare-key/", views.spare_key_request, name="spare_key_request"),
    path("preauthorizations/", views.preauth_list, name="preauths"),
    path("preauthorizations/new/", views.preauth_create, name="preauth_create"),
    path("preauthorizations/<int:pk>/revoke/", views.preauth_revoke, name="preauth_revoke"),
    path("keys/", views.key_list, name="keys"),
    path("keys/new/", views.key_deposit, name="key_deposit"),
    path("keys/<int:pk>/", views.key_detail, name="key"),
    path("keys/<int:pk>/handover/", views.key_handover, name="key_handover"),
    path("keys/<int:pk>/return/", views.key_return, name="key_return"),
    path("spare-keys/<int:pk>/", views.spare_key_detail, name="spare_key"),
    path("spare-keys/<int:pk>/<slug:step>/", views.spare_key_step, name="spare_key_step"),
    path("lookups/", views.lookup_log, name="lookups"),
]
