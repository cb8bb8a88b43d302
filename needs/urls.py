from django.urls import path

from needs import views

app_name = "needs"

urlpatterns = [
    path("enterprise/", views.enterprise_home, name="enterprise_home"),
    path("staff/", views.staff_home, name="staff_home"),
    path("review/", views.review_home, name="review_home"),
]
