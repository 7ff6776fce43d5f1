from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("new/", views.help_new, name="new"),
    path("new/checklist/", views.intake_checklist, name="intake_checklist"),
    path("register/", views.register, name="register"),
    path("archive/", views.archive_page, name="archive"),
    path("archive/run/", views.archive_run, name="archive_run"),
    path("archive/<int:pk>/dispose/", views.batch_dispose, name="batch_dispose"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/handle/", views.incident_handle, name="incident_handle"),
    path("incidents/<int:pk>/close/", views.incident_close, name="incident_close"),
    path("<int:pk>/steps/<slug:key>/", views.step_tick, name="step"),
    path("<int:pk>/refer/", views.refer, name="refer"),
    path("<int:pk>/promise/", views.promise, name="promise"),
    path("<int:pk>/principle/", views.principle, name="principle"),
    path("<int:pk>/supervisor-reply/", views.supervisor_reply, name="supervisor_reply"),
    path("<int:pk>/fee/", views.fee, name="fee"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/unsatisfiable/", views.unsatisfiable, name="unsatisfiable"),
]
