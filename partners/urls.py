from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.directory, name="directory"),
    path("hk/", views.hk_home, name="hk_home"),
]
