from django.urls import path

from arrears.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.league, name="league"),
    path("whitelist/", views.whitelist, name="whitelist"),
    path("placements/", views.placements, name="placements"),
    path("placements/<int:placement_id>/recall/", views.recall_placement, name="recall"),
    path("proposals/<int:proposal_id>/decide/", views.decide_proposal, name="decide-proposal"),
    path("statements/<int:agency_id>/", views.lender_statement, name="statement"),
    path("portal/statement/", views.portal_statement, name="portal-statement"),
    path("portal/", views.portal_cases, name="portal"),
    path("portal/cases/<int:placement_id>/", views.portal_case, name="portal-case"),
    path("portal/cases/<int:placement_id>/reveal/", views.portal_reveal, name="portal-reveal"),
    path("portal/cases/<int:placement_id>/contacts/", views.portal_contact, name="portal-contact"),
    path("portal/cases/<int:placement_id>/proposals/", views.portal_proposal, name="portal-proposal"),
    path("portal/upload/", views.portal_upload, name="portal-upload"),
    path("portal/uploads/<int:upload_id>/rejects.csv", views.portal_rejects, name="portal-rejects"),
    path("portal/export.csv", views.portal_export, name="portal-export"),
]
