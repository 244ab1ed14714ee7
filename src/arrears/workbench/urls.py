from django.urls import path

from arrears.workbench import views

app_name = "workbench"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("next/", views.next_account, name="next"),
    path("content-review/", views.content_review, name="content-review"),
    path("loans/<int:loan_id>/contact/", views.record, name="record-contact"),
    path("loans/<int:loan_id>/notes/", views.add_note, name="add-note"),
    path("loans/<int:loan_id>/contacts/<int:point_id>/reveal/", views.reveal, name="reveal"),
    path("cases/<int:case_id>/assign/", views.assign, name="assign"),
    path("cases/<int:case_id>/pass-over/", views.pass_over, name="pass-over"),
]
