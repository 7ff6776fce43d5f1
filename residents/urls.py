from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("", views.ResidentListView.as_view(), name="list"),
    path("search/", views.search, name="search"),
    path("new/", views.ResidentCreateView.as_view(), name="create"),
    path("import/", views.roster_import, name="import"),
    path("import/template/", views.roster_template, name="import_template"),
    path("access/", views.access_queue, name="access_queue"),
    path("access/<int:pk>/decide/", views.access_decide, name="access_decide"),
    path("access/log/", views.access_log, name="access_log"),
    path("assign/", views.assign, name="assign"),
    path("my-customers/", views.my_customers, name="my_customers"),
    path("developments/", views.developments, name="developments"),
    path("developments/review/", views.developments_review, name="developments_review"),
    path("needs/<int:pk>/pass/", views.need_pass, name="need_pass"),
    path("needs/<int:pk>/answer/", views.need_answer, name="need_answer"),
    path("<int:pk>/needs/", views.need_record, name="need_record"),
    path("assignments/<int:pk>/first-contact/", views.first_contact, name="first_contact"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("occupancies/<int:pk>/end/", views.OccupancyEndView.as_view(), name="occupancy_end"),
    path("emergency/<int:pk>/remove/", views.emergency_contact_remove, name="emergency_remove"),
    path("<int:pk>/", views.resident_detail, name="detail"),
    path("<int:pk>/edit/", views.ResidentEditView.as_view(), name="edit"),
    path("<int:pk>/key-customer/", views.key_customer_toggle, name="key_customer"),
    path("<int:pk>/archive/", views.ArchiveView.as_view(), name="archive"),
    path("<int:pk>/occupancy/", views.OccupancyStartView.as_view(), name="occupancy_start"),
    path("<int:pk>/contact-person/", views.ContactPersonChangeView.as_view(), name="contact_person"),
    path("<int:pk>/emergency/", views.EmergencyContactAddView.as_view(), name="emergency_add"),
    path("<int:pk>/correspondence/", views.CorrespondenceAddView.as_view(), name="correspondence_add"),
    path("<int:pk>/access-request/", views.AccessRequestView.as_view(), name="access_request"),
    path("<int:pk>/full/", views.archive_full, name="archive_full"),
    path("<int:pk>/export-full/", views.archive_export, name="archive_export"),
]
