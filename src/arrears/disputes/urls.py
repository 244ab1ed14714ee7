"""/disputes/: the compliance queue of disputes and complaints."""

from django.urls import path

from arrears.disputes import views

app_name = "disputes"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.enter_dispute, name="enter-dispute"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("complaints/new/", views.enter_complaint, name="enter-complaint"),
    path("complaints/<int:pk>/extend/", views.extend, name="extend"),
    path("complaints/<int:pk>/close/", views.close, name="close"),
]
