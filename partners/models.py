"""The Hong Kong partner directory."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.fields import BoundedTextField


class PartnerKind(models.TextChoices):
    UNIVERSITY = "university", _("大学")
    UNIVERSITY_LAB = "university_lab", _("大学研究单位")
    RD_CENTRE = "rd_centre", _("研发中心")
    PARK = "park", _("科技园区")
    INNOHK_LAB = "innohk_lab", _("InnoHK实验室")
    INSTITUTE = "institute", _("研究机构")
    COMPANY = "company", _("企业")


class Partner(models.Model):
    """A Hong Kong institution, research unit or company that may partner a need.

    The contact fields are private to exchange-centre staff.
    """

    name_zh_hant = models.CharField(_("繁体中文名称"), max_length=200, blank=True)
    name_en = models.CharField(_("英文名称"), max_length=250, blank=True)
    name_zh_hans = models.CharField(_("简体中文名称"), max_length=200, blank=True)
    acronym = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=PartnerKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    fields = models.ManyToManyField(
        "needs.TechField", verbose_name=_("技术领域"), blank=True, related_name="partners"
    )
    description = BoundedTextField(_("能力介绍（繁体中文）"), blank=True, max_length=4000)
    description_en = BoundedTextField(_("能力介绍（英文）"), blank=True, max_length=4000)
    keywords = models.CharField(_("关键词"), max_length=500, blank=True)
    cooperation_modes = models.JSONField(_("可参与的合作方式"), default=list, blank=True)
    website = models.URLField(_("网址"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en", "name_zh_hant"]
        verbose_name = _("香港机构")
        verbose_name_plural = _("香港机构")

    def __str__(self) -> str:
        return self.name_zh_hant or self.name_en or self.acronym or f"#{self.pk}"

    @property
    def display_name(self) -> str:
        return self.name_zh_hant or self.name_en or self.acronym


class InterestStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    ASKED = "asked", _("已询问企业")
    RELEASED = "released", _("已交换联系方式")
    DECLINED = "declined", _("已婉拒")
    EXPIRED = "expired", _("已过期")


OPEN_INTEREST_STATUSES = (InterestStatus.PENDING, InterestStatus.ASKED)


class IntroductionSource(models.TextChoices):
    INTEREST = "interest", _("香港机构表达意向")
    MATCH = "match", _("平台匹配推荐")


class ExpressionOfInterest(models.Model):
    """A Hong Kong institution's interest in one published need (or an
    introduction staff recorded from a machine match), waiting for staff."""

    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="interests")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="interests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=IntroductionSource.choices, default=IntroductionSource.INTEREST
    )
    proposal = BoundedTextField(_("拟开展的合作"), blank=True, max_length=2000)
    questions = BoundedTextField(_("希望进一步了解的情况"), blank=True, max_length=1000)
    contact = BoundedTextField(_("本机构联系人"), blank=True, max_length=500)
    status = models.CharField(
        _("状态"), max_length=10, choices=InterestStatus.choices, default=InterestStatus.PENDING
    )
    enterprise_question = BoundedTextField(_("向企业提出的问题"), blank=True, max_length=1000)
    decline_reason = BoundedTextField(_("婉拒原因"), blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    asked_at = models.DateTimeField(_("询问时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("合作意向")
        verbose_name_plural = _("合作意向")
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "partner"],
                condition=Q(status__in=["pending", "asked"]),
                name="one_open_interest_per_need_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} → {self.need}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_INTEREST_STATUSES


class ContactRelease(models.Model):
    """Staff released contacts for one need to one institution (both sides):
    the institution sees the enterprise's private fields for that need, the
    enterprise sees the institution's contact."""

    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="contact_releases")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contact_releases")
    interest = models.ForeignKey(
        ExpressionOfInterest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=IntroductionSource.choices, default=IntroductionSource.INTEREST
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(_("交换时间"), auto_now_add=True)

    class Meta:
        ordering = ["-released_at"]
        verbose_name = _("联系方式交换")
        verbose_name_plural = _("联系方式交换")
        constraints = [
            models.UniqueConstraint(fields=["need", "partner"], name="one_release_per_need_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ↔ {self.need}"
