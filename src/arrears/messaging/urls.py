from django.urls import path

from arrears.messaging import views

app_name = "messaging"
urlpatterns = [
    path("notice/<str:loan>.pdf", views.written_notice, name="written_notice"),
]
