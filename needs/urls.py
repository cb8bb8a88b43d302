from django.urls import path

from needs.views import enterprise, staff

app_name = "needs"

urlpatterns = [
    # Enterprise side
    path("enterprise/", enterprise.enterprise_home, name="enterprise_home"),
    # Back office (staff and reviewers)
    path("staff/", staff.staff_home, name="staff_home"),
    path("review/", staff.review_home, name="review_home"),
]
