from django.contrib import admin

from needs.admin import WorkflowRecordAdmin
from partners.models import ContactRelease, ExpressionOfInterest, Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "name_en", "acronym", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name_zh_hant", "name_zh_hans", "name_en", "acronym", "keywords")
    filter_horizontal = ("fields",)
    # Deactivation goes through the staff page: it revokes the institution's users.
    readonly_fields = ("is_active",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(WorkflowRecordAdmin):
    list_display = ("need", "partner", "source", "status", "created_at", "expires_at")
    list_filter = ("status", "source")
    raw_id_fields = ("need", "partner", "created_by", "decided_by")


@admin.register(ContactRelease)
class ContactReleaseAdmin(WorkflowRecordAdmin):
    list_display = ("need", "partner", "source", "released_by", "released_at")
    raw_id_fields = ("need", "partner", "interest", "released_by")
