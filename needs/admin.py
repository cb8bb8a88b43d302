"""Django admin for administrators: calls, enterprises and needs (the portal's
own pages are the everyday tools; this is the escape hatch)."""

from django.contrib import admin

from needs.models import Call, Enterprise, Need


class WorkflowRecordAdmin(admin.ModelAdmin):
    """View-only: these rows change through the services, which screen, check
    consent, write the audit log, notify and rescore. A save here would do none
    of that, so the admin may look but never add, change or delete."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "opens_at", "deadline", "event_date", "is_current")
    list_filter = ("year", "is_current")
    search_fields = ("title",)
    filter_horizontal = ("focus_fields",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "division", "contact_name", "contact_email", "updated_at")
    search_fields = ("name", "credit_code", "contact_name", "contact_email")
    list_select_related = ("division",)
    raw_id_fields = ("industry", "division", "hitech_zone")


@admin.register(Need)
class NeedAdmin(WorkflowRecordAdmin):
    list_display = ("reference", "title", "enterprise", "call", "status", "submitted_at", "updated_at")
    list_filter = ("status", "call", "consent_share_hk")
    search_fields = ("reference", "title", "enterprise__name")
    list_select_related = ("enterprise", "call")
    raw_id_fields = ("enterprise", "created_by", "field_l1", "field_l2", "field_l3")
    readonly_fields = ("reference", "consent_version", "consent_at", "created_at", "updated_at")
