from django.urls import path

from needs.views import calls, enterprise, staff

app_name = "needs"

urlpatterns = [
    # Enterprise side
    path("enterprise/", enterprise.enterprise_home, name="enterprise_home"),
    path("enterprise/profile/", enterprise.enterprise_profile, name="enterprise_profile"),
    path("enterprise/colleagues/add/", enterprise.enterprise_colleague_add, name="enterprise_colleague_add"),
    path("enterprise/needs/new/", enterprise.need_create, name="need_create"),
    path("enterprise/needs/<int:pk>/", enterprise.need_detail, name="need_detail"),
    path("enterprise/needs/<int:pk>/edit/", enterprise.need_edit, name="need_edit"),
    path("enterprise/needs/<int:pk>/withdraw/", enterprise.need_withdraw, name="need_withdraw"),
    path("enterprise/needs/<int:pk>/attachment2.xlsx", enterprise.need_xlsx, name="need_xlsx"),
    # Calls (staff)
    path("staff/calls/", calls.calls_list, name="calls_list"),
    path("staff/calls/new/", calls.call_create, name="call_create"),
    path("staff/calls/<int:pk>/edit/", calls.call_edit, name="call_edit"),
    path("staff/calls/<int:pk>/set-current/", calls.call_set_current, name="call_set_current"),
    # Back office (staff and reviewers)
    path("staff/", staff.staff_home, name="staff_home"),
    path("review/", staff.review_home, name="review_home"),
]
