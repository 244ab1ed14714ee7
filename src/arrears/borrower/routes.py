"""The portal's URLs, mounted at /my/ by the project's URLs (namespace "my")."""

from django.urls import path

from arrears.borrower import views
from arrears.credit import portal as credit_portal

app_name = "my"

urlpatterns = [
    path("", views.sign_in, name="sign-in"),
    path("code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("report-impostor/", views.report_impostor, name="report-impostor"),
    path("verify/", views.verify, name="verify"),
    path("call-code/<int:loan_id>/", views.call_code, name="call-code"),
    path("home/", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("loans/<str:reference>/", views.loan, name="loan"),
    path("loans/<str:reference>/notice.pdf", views.notice, name="notice"),
    path("loans/<str:reference>/paper-copy/", views.paper_copy, name="paper-copy"),
    path("loans/<str:reference>/dispute/", views.dispute, name="dispute"),
    path("loans/<str:reference>/complaint/", views.complaint, name="complaint"),
    path("loans/<str:reference>/credit-objection/", credit_portal.credit_objection, name="credit-objection"),
    path("loans/<str:reference>/plan/", views.plan, name="plan"),
    path("loans/<str:reference>/pay/", views.pay, name="pay"),
    path("pay/callback/", views.pay_callback, name="pay-callback"),
]
