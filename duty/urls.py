from django.urls import path, re_path

from . import views

app_name = "duty"
urlpatterns = [
    path("", views.today, name="today"),
    re_path(r"^(?P<day>\d{4}-\d{2}-\d{2})/$", views.day_page, name="day"),
    re_path(r"^(?P<day>\d{4}-\d{2}-\d{2})/sign/$", views.day_sign, name="day_sign"),
    path("entries/add/", views.entry_add, name="entry_add"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/void/", views.entry_void, name="entry_void"),
    path("entries/<int:entry_pk>/report/", views.report_create, name="report_create"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/print/", views.report_print, name="report_print"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/photos/", views.report_photo, name="report_photo"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/acknowledge/", views.report_acknowledge, name="report_acknowledge"),
    path("handovers/", views.handover_list, name="handovers"),
    path("handovers/start/", views.handover_start, name="handover_start"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover"),
    path("handovers/<int:pk>/update/", views.handover_update, name="handover_update"),
    path("handovers/<int:pk>/items/", views.handover_item_add, name="handover_item_add"),
    path("handover-items/<int:pk>/toggle/", views.handover_item_toggle, name="handover_item_toggle"),
    path("handovers/<int:pk>/hand-over/", views.handover_hand_over, name="handover_hand_over"),
    path("handovers/<int:pk>/confirm/", views.handover_confirm, name="handover_confirm"),
    path("handovers/<int:pk>/reject/", views.handover_reject, name="handover_reject"),
    path("posts/", views.post_board, name="posts"),
    path("posts/sign-in/", views.post_sign_in, name="post_sign_in"),
    path("posts/shifts/<int:pk>/sign-out/", views.post_sign_out, name="post_sign_out"),
    path("posts/attendance/", views.post_attendance, name="post_attendance"),
    path("posts/manage/", views.post_manage, name="post_manage"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
]
