"""The Hong Kong partner directory."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    description = models.TextField(_("能力介绍"), blank=True)
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
