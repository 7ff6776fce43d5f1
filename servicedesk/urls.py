from django.urls import path

from . import views

app_name = "servicedesk"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("overdue/", views.overdue, name="overdue"),
    path("language-check/", views.language_check, name="language_check"),
    path("phrases/", views.phrasebook, name="phrases"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/note/", views.add_note, name="note"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/photo/", views.add_photo, name="photo"),
    path("<int:pk>/transition/", views.transition, name="transition"),
]
