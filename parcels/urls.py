from django.urls import path

from . import views

app_name = "parcels"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("receive/", views.receive, name="receive"),
    path("lookup/", views.lookup, name="lookup"),
    path("bulk/", views.bulk, name="bulk"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/labels/", views.batch_labels, name="batch_labels"),
    path("batches/<int:pk>/slips/", views.batch_slips, name="batch_slips"),
    path("<int:pk>/", views.parcel_detail, name="parcel"),
    path("<int:pk>/notify/", views.parcel_notify, name="parcel_notify"),
    path("<int:pk>/reason/", views.parcel_reason, name="parcel_reason"),
    path("<int:pk>/slip/", views.parcel_slip, name="parcel_slip"),
    path("<int:pk>/release/", views.parcel_release, name="parcel_release"),
    path("<int:pk>/return/", views.parcel_return, name="parcel_return"),
    path("slips/", views.slips, name="slips"),
    path("slips/void-next/", views.slip_void_next, name="slip_void_next"),
    path("slips/bind/", views.slips_bind, name="slips_bind"),
    path("slips/print/", views.slips_print, name="slips_print"),
    path("slips/<int:pk>/", views.slip_detail, name="slip"),
    path("slips/<int:pk>/print/", views.slip_print, name="slip_print"),
    path("slips/<int:pk>/followup/", views.slip_followup, name="slip_followup"),
    path("slips/<int:pk>/void/", views.slip_void, name="slip_void"),
    path("slips/<int:pk>/door/", views.slip_door, name="slip_door"),
    path("slips/<int:pk>/review/", views.slip_review, name="slip_review"),
    path("counts/", views.counts, name="counts"),
    path("letters/", views.letters, name="letters"),
    path("letters/returns/", views.returns_print, name="returns_print"),
    path("letters/returns/hand-back/", views.returns_hand_back, name="returns_hand_back"),
    path("letters/<int:pk>/", views.letter_detail, name="letter"),
    path("letters/<int:pk>/<slug:op>/", views.letter_action, name="letter_action"),
    path("instructions/", views.instructions, name="instructions"),
    path("faults/", views.faults, name="faults"),
]
