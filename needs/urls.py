from django.urls import path

from needs.views import calls, enterprise, staff, staff_shortlist

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
    path(
        "enterprise/needs/<int:pk>/contact-consent/",
        enterprise.need_contact_consent,
        name="need_contact_consent",
    ),
    # Calls (staff)
    path("staff/calls/", calls.calls_list, name="calls_list"),
    path("staff/calls/new/", calls.call_create, name="call_create"),
    path("staff/calls/<int:pk>/edit/", calls.call_edit, name="call_edit"),
    path("staff/calls/<int:pk>/set-current/", calls.call_set_current, name="call_set_current"),
    # Back office (staff and reviewers)
    path("staff/", staff.staff_home, name="staff_home"),
    path("staff/needs/", staff.staff_need_list, name="staff_need_list"),
    path("staff/needs/<int:pk>/", staff.staff_need_detail, name="staff_need_detail"),
    path("staff/needs/<int:pk>/screen/", staff.staff_need_screen, name="staff_need_screen"),
    path("staff/duplicates/<int:pk>/resolve/", staff.staff_duplicate_resolve, name="staff_duplicate_resolve"),
    path("staff/exports/new/", staff.staff_export, name="staff_export"),
    path("staff/exports/<int:pk>/", staff.staff_export_job, name="staff_export_job"),
    path("staff/exports/<int:pk>/download/", staff.staff_export_download, name="staff_export_download"),
    path("staff/exports/<int:pk>/regenerate/", staff.staff_export_regenerate, name="staff_export_regenerate"),
    path("staff/import/", staff.staff_import, name="staff_import"),
    path("staff/shortlist/", staff_shortlist.staff_shortlist, name="staff_shortlist"),
    path("staff/shortlist/add/", staff_shortlist.staff_shortlist_add, name="staff_shortlist_add"),
    path(
        "staff/shortlist/<int:pk>/remove/",
        staff_shortlist.staff_shortlist_remove,
        name="staff_shortlist_remove",
    ),
    path("staff/shortlist/freeze/", staff_shortlist.staff_shortlist_freeze, name="staff_shortlist_freeze"),
    path("staff/shortlist/rubric/", staff_shortlist.staff_rubric, name="staff_rubric"),
    path("staff/shortlist/compare/", staff_shortlist.staff_compare, name="staff_compare"),
    path("review/", staff_shortlist.review_home, name="review_home"),
    path("review/needs/<int:pk>/", staff_shortlist.review_need, name="review_need"),
]
