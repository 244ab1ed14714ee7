from django.urls import path

from arrears.intelligence import views

app_name = "intelligence"
urlpatterns = [
    path("", views.dashboards_page, name="dashboards"),
    path("experiments/", views.experiments, name="experiments"),
    path("model/", views.model_card, name="model"),
]
