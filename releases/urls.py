from django.urls import path

from . import views

app_name = "releases"
urlpatterns = [
    path("", views.release_list, name="list"),
    path("new/", views.release_create, name="create"),
    path("exit/", views.exit_list, name="exit_list"),
    path("exit/<int:pk>/", views.exit_check, name="exit_check"),
    path("<int:pk>/", views.release_detail, name="detail"),
    path("<int:pk>/print/", views.release_print, name="print"),
    path("<int:pk>/confirm/", views.release_confirm, name="confirm"),
    path("<int:pk>/id-copy/", views.release_id_copy, name="id_copy"),
    path("<int:pk>/fees/", views.release_fees, name="fees"),
    path("<int:pk>/issue/", views.release_issue, name="issue"),
    path("<int:pk>/file/", views.release_file, name="file"),
    path("<int:pk>/reapply/", views.release_reapply, name="reapply"),
]
