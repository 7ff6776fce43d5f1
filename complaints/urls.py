from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.create, name="create"),
    path("lookup/", views.lookup, name="lookup"),
    path("reports/daily/", views.report_daily, name="report_daily"),
    path("reports/weekly/", views.report_weekly, name="report_weekly"),
    path("reports/monthly/", views.report_monthly, name="report_monthly"),
    path("reports/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/judge/", views.judge, name="judge"),
    path("<int:pk>/proposals/", views.propose, name="propose"),
    path("<int:pk>/instruct/", views.instruct, name="instruct"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/reply-result/", views.reply_result, name="reply_result"),
    path("<int:pk>/answer-invalid/", views.answer_invalid, name="answer_invalid"),
    path("<int:pk>/close-invalid/", views.close_invalid, name="close_invalid"),
    path("<int:pk>/written-reply/", views.written_reply, name="written_reply"),
    path("<int:pk>/written-reply/approve/", views.approve_written, name="approve_written"),
    path("<int:pk>/apology/", views.apology, name="apology"),
    path("<int:pk>/apology/generate/", views.apology_generate, name="apology_generate"),
    path("<int:pk>/apology/issue/", views.apology_issue, name="apology_issue"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/urge/", views.urge, name="urge"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/engineering/", views.engineering, name="engineering"),
]
