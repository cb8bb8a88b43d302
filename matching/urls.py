from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    # Staff review
    path("staff/matching/", views.needs, name="needs"),
    path("staff/matching/needs/<int:pk>/", views.need_matches, name="need_matches"),
    path("staff/matching/needs/<int:pk>/rescore/", views.need_rescore, name="need_rescore"),
    path(
        "staff/matching/needs/<int:pk>/partners/<int:partner_id>/accept/",
        views.match_accept,
        name="match_accept",
    ),
    path(
        "staff/matching/needs/<int:pk>/partners/<int:partner_id>/dismiss/",
        views.match_dismiss,
        name="match_dismiss",
    ),
    path(
        "staff/matching/needs/<int:pk>/partners/<int:partner_id>/restore/",
        views.match_restore,
        name="match_restore",
    ),
    path("staff/matching/partners/<int:pk>/", views.partner_matches, name="partner_matches"),
    # Runs
    path("staff/matching/runs/", views.runs, name="runs"),
    path("staff/matching/runs/rescore/", views.rescore_start, name="rescore_start"),
    path("staff/matching/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("staff/matching/runs/<int:pk>/status.json", views.run_status, name="run_status"),
    path("staff/matching/runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    # Hong Kong institutions
    path("hk/recommended/", views.hk_recommended, name="hk_recommended"),
]
