from django.contrib import admin

from matching.models import Match, MatchDecision, MatchRun
from needs.admin import WorkflowRecordAdmin


@admin.register(MatchRun)
class MatchRunAdmin(WorkflowRecordAdmin):
    list_display = ("id", "kind", "status", "trigger", "processed", "total", "matches_written", "created_at")
    list_filter = ("kind", "status", "trigger")
    raw_id_fields = ("need", "partner", "started_by")
    readonly_fields = ("created_at", "started_at", "finished_at", "attempts", "cursor")


@admin.register(Match)
class MatchAdmin(WorkflowRecordAdmin):
    list_display = ("need", "partner", "score", "scorer_version", "created_at")
    list_filter = ("scorer_version",)
    raw_id_fields = ("need", "partner", "run")
    search_fields = ("need__reference", "need__title", "partner__name_en", "partner__name_zh_hant")


@admin.register(MatchDecision)
class MatchDecisionAdmin(WorkflowRecordAdmin):
    list_display = ("need", "partner", "decision", "reason", "decided_by", "decided_at")
    list_filter = ("decision", "reason")
    raw_id_fields = ("need", "partner", "decided_by")
