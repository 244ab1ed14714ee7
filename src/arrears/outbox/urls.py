from django.urls import path

from arrears.outbox import views

app_name = "outbox"

urlpatterns = [
    path("callbacks/<slug:provider>/receipt", views.receipt_callback, name="receipt-callback"),
    path("callbacks/<slug:provider>/inbound", views.inbound_callback, name="inbound-callback"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
