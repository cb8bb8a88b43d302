from django.urls import path

from partners.views import enterprise, hk, public, staff

app_name = "partners"

urlpatterns = [
    # Public directory
    path("partners/", public.directory, name="directory"),
    path("partners/<int:pk>/", public.partner_detail, name="partner_detail"),
    # Hong Kong institutions
    path("hk/", hk.hk_home, name="hk_home"),
    path("hk/needs/<int:pk>/", hk.hk_need_detail, name="hk_need_detail"),
    path("hk/needs/export.xlsx", hk.hk_need_export, name="hk_need_export"),
    path("hk/needs.json", hk.hk_need_json, name="hk_need_json"),
    path("hk/interests/", hk.hk_interests, name="hk_interests"),
    # Enterprises
    path("enterprise/hk-contacts/", enterprise.enterprise_contacts, name="enterprise_contacts"),
    # Back office
    path("staff/partners/", staff.staff_partners, name="staff_partners"),
    path("staff/partners/new/", staff.partner_create, name="partner_create"),
    path("staff/partners/<int:pk>/edit/", staff.partner_edit, name="partner_edit"),
    path("staff/partners/<int:pk>/deactivate/", staff.partner_deactivate, name="partner_deactivate"),
    path("staff/partners/import/", staff.partner_import, name="partner_import"),
    path("staff/partners/export.xlsx", staff.partner_export, name="partner_export"),
    path("staff/interests/", staff.interest_queue, name="interest_queue"),
    path("staff/interests/<int:pk>/", staff.interest_detail, name="interest_detail"),
]
