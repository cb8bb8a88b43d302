"""Matching runs, the kept matches per need, and staff decisions on pairs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matching.reasons import hk_reason_lines, reason_lines
from portal.fields import BoundedTextField


class RunKind(models.TextChoices):
    NEED = "need", _("单个需求")
    PARTNER = "partner", _("单个香港机构")
    FULL = "full", _("全量重新匹配")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    WAITING = "waiting", _("等待队列恢复")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


class RunTrigger(models.TextChoices):
    NEED_SAVED = "need_saved", _("需求提交或修改")
    PARTNER_SAVED = "partner_saved", _("机构新增或修改")
    STAFF = "staff", _("工作人员发起")
    PERIODIC = "periodic", _("定时补跑")


class MatchRun(models.Model):
    """One invocation of a matching job, the job's state kept in the database.

    The task receives only the run id. A redelivered task finds its row again and
    resumes from ``cursor`` (full rescores) or repeats (single need or partner);
    a finished run is never executed twice.
    """

    kind = models.CharField(_("类型"), max_length=10, choices=RunKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    trigger = models.CharField(_("触发方式"), max_length=20, choices=RunTrigger.choices)
    need = models.ForeignKey(
        "needs.Need", null=True, blank=True, on_delete=models.CASCADE, related_name="match_runs"
    )
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="match_runs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scorer_version = models.CharField(_("评分版本"), max_length=20, blank=True)
    total = models.PositiveIntegerField(_("总数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    matches_written = models.PositiveIntegerField(_("写入匹配数"), default=0)
    # Full rescores process needs in id order; the last finished need id lets a
    # redelivered task resume instead of starting over.
    cursor = models.BigIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("匹配任务")
        verbose_name_plural = _("匹配任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(processed__lte=models.F("total")) | Q(total=0), name="matchrun_processed_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED)

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.processed / self.total))


class Match(models.Model):
    """A partner among the top N for a need, with the scorer's parts and reasons.

    The set of a need's matches is replaced as a whole in one transaction, so a
    need always has exactly one current set.
    """

    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="matches")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField(_("匹配度"))
    parts = models.JSONField(_("分项得分"), default=dict)
    reasons = models.JSONField(_("匹配理由"), default=list)
    scorer_version = models.CharField(_("评分版本"), max_length=20)
    run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["need_id", "-score", "partner_id"]
        verbose_name = _("匹配结果")
        verbose_name_plural = _("匹配结果")
        constraints = [
            models.UniqueConstraint(fields=["need", "partner"], name="one_match_per_pair"),
        ]
        indexes = [models.Index(fields=["partner", "-score"])]

    def __str__(self) -> str:
        return f"{self.need_id} ↔ {self.partner_id}: {self.score:.3f}"

    @property
    def percent(self) -> int:
        return max(0, min(100, round(self.score * 100)))

    def reason_lines(self) -> list[str]:
        return reason_lines(self.reasons)

    def hk_reason_lines(self) -> list[str]:
        """The reasons shown to the Hong Kong institution (no intended-partner reasons)."""
        return hk_reason_lines(self.reasons)


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("已采纳")
    DISMISSED = "dismissed", _("已排除")


class DismissReason(models.TextChoices):
    FIELD_MISMATCH = "field_mismatch", _("领域不符")
    LACKS_CAPABILITY = "lacks_capability", _("不具备相应能力")
    MODE_NOT_OPEN = "mode_not_open", _("不接受该合作方式")
    OTHER = "other", _("其他")


class MatchDecision(models.Model):
    """A staff decision on a need–partner pair.

    Kept apart from :class:`Match` so that it survives rescoring: a dismissed pair
    is never offered again, whatever the scorer says later.
    """

    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="match_decisions")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="match_decisions")
    decision = models.CharField(_("决定"), max_length=10, choices=Decision.choices)
    reason = models.CharField(_("排除原因"), max_length=20, choices=DismissReason.choices, blank=True)
    note = BoundedTextField(_("说明"), blank=True, max_length=1000)
    # What the staff member saw when deciding.
    score = models.FloatField(_("决定时匹配度"), null=True, blank=True)
    reasons = models.JSONField(_("决定时匹配理由"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), auto_now=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("匹配决定")
        verbose_name_plural = _("匹配决定")
        constraints = [
            models.UniqueConstraint(fields=["need", "partner"], name="one_decision_per_pair"),
            models.CheckConstraint(
                condition=Q(decision="accepted") | ~Q(reason=""), name="dismissal_has_reason"
            ),
            models.CheckConstraint(condition=~Q(reason="other") | ~Q(note=""), name="other_reason_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id} ↔ {self.partner_id}: {self.decision}"

    def reason_lines(self) -> list[str]:
        return reason_lines(self.reasons)
