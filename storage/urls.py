from django.urls import path

from . import views

app_name = "storage"
urlpatterns = [
    path("", views.item_list, name="items"),
    path("new/", views.item_new, name="item_new"),
    path("collect/", views.collect, name="collect"),
    path("lost/", views.lost_report, name="lost"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/ticket/", views.item_ticket, name="ticket"),
    path("<int:pk>/seal/", views.item_seal, name="seal"),
    path("<int:pk>/file/", views.item_file, name="file"),
    path("holding/", views.held_list, name="held_list"),
    path("holding/new/", views.held_new, name="held_new"),
    path("holding/<int:pk>/", views.held_detail, name="held"),
    path("holding/<int:pk>/label/", views.held_label, name="held_label"),
    path("holding/<int:pk>/collect/", views.held_collect, name="held_collect"),
    path("holding/<int:pk>/chase/", views.held_chase, name="held_chase"),
    path("found/", views.found_list, name="found_list"),
    path("found/new/", views.found_new, name="found_new"),
    path("found/<int:pk>/", views.found_detail, name="found"),
    path("found/<int:pk>/note/", views.found_note, name="found_note"),
    path("found/<int:pk>/claim/", views.found_claim, name="found_claim"),
    path("found/<int:pk>/dispose/", views.found_dispose, name="found_dispose"),
    path("handover/", views.check_page, name="check_page"),
    path("handover/<int:pk>/", views.check_detail, name="check"),
]
