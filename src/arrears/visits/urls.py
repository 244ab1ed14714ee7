"""/visits/: the lender's and field collectors' pages, and the borrower's public verification page."""

from django.urls import path

from arrears.visits import views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("verify/", views.verify, name="verify"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/decide/", views.approve, name="decide"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/code/", views.issue_code, name="code"),
    path("<int:pk>/check-in/", views.check_in, name="check-in"),
    path("<int:pk>/check-out/", views.check_out, name="check-out"),
    path("<int:pk>/attachments/", views.attach, name="attach"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/incidents/", views.report_incident, name="incident"),
]
