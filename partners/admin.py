from django.contrib import admin

from partners.models import ContactRelease, ExpressionOfInterest, Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "name_en", "acronym", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name_zh_hant", "name_zh_hans", "name_en", "acronym", "keywords")
    filter_horizontal = ("fields",)


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(admin.ModelAdmin):
    list_display = ("need", "partner", "source", "status", "created_at", "expires_at")
    list_filter = ("status", "source")
    raw_id_fields = ("need", "partner", "created_by", "decided_by")


@admin.register(ContactRelease)
class ContactReleaseAdmin(admin.ModelAdmin):
    list_display = ("need", "partner", "source", "released_by", "released_at")
    raw_id_fields = ("need", "partner", "interest", "released_by")
