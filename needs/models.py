"""Calls, enterprise profiles, needs, and the reference lists of the form."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from needs.errors import NeedError
from portal.fields import BoundedTextField

# ---------------------------------------------------------------------------
# Reference data (loaded by `manage.py load_reference` from fixtures/)
# ---------------------------------------------------------------------------


class TechField(models.Model):
    """《国家重点支持的高新技术领域》: three levels, codes "01", "01.01", "01.01.01"."""

    code = models.CharField(_("代码"), max_length=12, primary_key=True)
    level = models.PositiveSmallIntegerField(_("级别"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_zh = models.CharField(_("名称"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("技术领域")
        verbose_name_plural = _("技术领域")

    def __str__(self) -> str:
        return self.name_zh


class Division(models.Model):
    """Jiangsu prefecture-level cities and county-level divisions (NBS codes).

    Statistical functional zones (e.g. 苏州工业园区) are kept too, flagged, because
    enterprises name them as their location.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("地级市")
        COUNTY = "county", _("县级行政区")
        STAT_ZONE = "stat_zone", _("功能区")

    code = models.CharField(_("代码"), max_length=6, primary_key=True)
    name_zh = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name_zh

    @property
    def city(self) -> "Division":
        return self if self.level == self.Level.CITY else self.parent


class HiTechZone(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")

    name_zh = models.CharField(_("名称"), max_length=100, unique=True)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    city = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="hitech_zones")

    class Meta:
        ordering = ["level", "city_id", "name_zh"]
        verbose_name = _("高新区")
        verbose_name_plural = _("高新区")

    def __str__(self) -> str:
        return self.name_zh


class Industry(models.Model):
    """GB/T 4754-2017 sections (A–T) and divisions (01–97)."""

    code = models.CharField(_("代码"), max_length=4, primary_key=True)
    level = models.CharField(_("级别"), max_length=10)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_zh = models.CharField(_("名称"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行业")
        verbose_name_plural = _("行业")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


# ---------------------------------------------------------------------------
# Closed lists of the form (codes stored, exact labels shown)
# ---------------------------------------------------------------------------


class EnterpriseType(models.TextChoices):
    LARGE = "large", _("大企业")
    SME = "sme", _("中小企业")
    OTHER = "other", _("其他")


class NeedCategory(models.TextChoices):
    PATENT = "patent", _("专利")
    CORE_RND = "core_rnd", _("技术研发（关键、核心技术）")
    PRODUCT_RND = "product_rnd", _("产品研发（产品升级、新产品研发）")
    TECH_UPGRADE = "tech_upgrade", _("技术改造（设备、研发生产条件）")
    TECH_SUPPORT = "tech_support", _("技术配套（技术、产品等配套合作）")


class CooperationMode(models.TextChoices):
    TRANSFER = "transfer", _("技术转让")
    EQUITY = "equity", _("技术入股")
    JOINT_DEV = "joint_dev", _("联合开发")
    COMMISSIONED = "commissioned", _("委托研发")
    LONG_TERM_SERVICE = "long_term_service", _("委托团队、专家长期技术服务")
    NEW_ENTITY = "new_entity", _("共建新研发、生产实体")


# ---------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------


class Call(models.Model):
    """One call for needs (征集批次) with its deadline and September event."""

    title = models.CharField(_("批次名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    description = BoundedTextField(_("征集说明"), blank=True, max_length=5000)
    focus_fields = models.ManyToManyField(TechField, verbose_name=_("重点领域"), blank=True, related_name="+")
    opens_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("截止时间"))
    event_name = models.CharField(
        _("对接活动名称"), max_length=200, default="苏港产学研合作对接交流会", blank=True
    )
    event_date = models.DateField(_("对接活动日期"), null=True, blank=True)
    is_current = models.BooleanField(_("当前批次"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("征集批次")
        verbose_name_plural = _("征集批次")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_call"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("opens_at")), name="call_deadline_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.deadline


# ---------------------------------------------------------------------------
# Enterprise profile (form section 1)
# ---------------------------------------------------------------------------


class Enterprise(models.Model):
    """企业基本信息: one per enterprise, reused for every need and call.

    Fields marked private (name, credit code, address, contact, phone, e-mail,
    website) never reach a Hong Kong user unless staff released them.
    """

    PRIVATE_FIELDS = (
        "name",
        "credit_code",
        "address",
        "contact_name",
        "contact_phone",
        "contact_email",
        "website",
    )

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("社会统一信用代码"), max_length=18, unique=True)
    founded_on = models.DateField(_("成立时间"), null=True, blank=True)
    enterprise_type = models.CharField(
        _("企业类型"), max_length=10, choices=EnterpriseType.choices, blank=True
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("所属行业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    main_business = BoundedTextField(_("主营业务和专业领域"), blank=True, max_length=500)
    main_products = BoundedTextField(_("主要产品和服务"), blank=True, max_length=500)
    is_high_tech = models.BooleanField(_("是否高新技术企业"), null=True, blank=True)
    revenue_last_year = models.DecimalField(
        _("上一年度营业总收入（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    in_hitech_zone = models.BooleanField(_("是否在高新区内"), null=True, blank=True)
    hitech_zone = models.ForeignKey(
        HiTechZone,
        verbose_name=_("高新区名称"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hitech_zone_other = models.CharField(_("其他高新区名称"), max_length=100, blank=True)
    employees = models.PositiveIntegerField(_("员工总数"), null=True, blank=True)
    rnd_staff = models.PositiveIntegerField(_("研发人员数"), null=True, blank=True)
    address = models.CharField(_("企业地址"), max_length=300, blank=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("所在县(市、区)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("电子邮件"))
    website = models.URLField(_("企业网址"), blank=True)
    introduction = BoundedTextField(_("企业基本情况简介"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            models.CheckConstraint(
                condition=Q(rnd_staff__isnull=True)
                | Q(employees__isnull=True)
                | Q(rnd_staff__lte=models.F("employees")),
                name="rnd_staff_not_above_employees",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def city(self) -> Division | None:
        return self.division.city if self.division_id else None


# ---------------------------------------------------------------------------
# Needs (form sections 2 and 3)
# ---------------------------------------------------------------------------


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    WITHDRAWN = "withdrawn", _("已撤回")
    UNDER_REVIEW = "under_review", _("审核中")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("已发布")
    NOT_SELECTED = "not_selected", _("未入选")


class MatchingState(models.TextChoices):
    NONE = "none", _("未匹配")
    PENDING = "pending", _("匹配待处理")
    DONE = "done", _("已匹配")


class Need(models.Model):
    """企业技术需求信息 and 香港意向合作机构要求, one need of one enterprise in one call.

    A draft may be incomplete; the form decides completeness on submit.
    """

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="needs")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="needs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(_("需求编号"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.DRAFT)

    # Section 2
    title = models.CharField(_("技术需求名称"), max_length=200, blank=True)
    field_l1 = models.ForeignKey(
        TechField,
        verbose_name=_("一级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    field_l2 = models.ForeignKey(
        TechField,
        verbose_name=_("二级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    field_l3 = models.ForeignKey(
        TechField,
        verbose_name=_("三级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    intended_investment = models.DecimalField(
        _("意向投入金额（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    total_investment = models.DecimalField(
        _("项目拟投入总金额（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    categories = models.JSONField(_("需求类别"), default=list, blank=True)
    description = BoundedTextField(_("需求内容描述"), blank=True, max_length=2000)
    basis = BoundedTextField(_("现有基础"), blank=True, max_length=2000)

    # Section 3
    partner_requirements = BoundedTextField(_("港方机构应具备的条件"), blank=True, max_length=1000)
    partner_role = BoundedTextField(_("港方机构在项目合作中承担的工作"), blank=True, max_length=1000)
    has_intended_partner = models.BooleanField(_("是否已有港方意向合作单位"), null=True, blank=True)
    intended_partner_name = models.CharField(_("港方意向合作单位全称"), max_length=200, blank=True)
    cooperation_modes = models.JSONField(_("合作方式"), default=list, blank=True)

    # Consent given on submission, with the wording version shown then.
    consent_share_hk = models.BooleanField(_("同意向香港机构公开需求"), default=False)
    consent_contact_release = models.BooleanField(
        _("同意交流中心向其推荐的香港机构提供联系方式"), default=False
    )
    consent_version = models.CharField(_("同意条款版本"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    # When and under which wording the enterprise agreed to contact release
    # (on submission or later, when asked); contacts go out only after it.
    contact_consent_at = models.DateTimeField(_("同意提供联系方式的时间"), null=True, blank=True)
    contact_consent_version = models.CharField(_("同意提供联系方式的条款版本"), max_length=20, blank=True)
    # The public text as staff published it: what Hong Kong users were shown,
    # kept when the enterprise edits a need returned for revision.
    published_snapshot = models.JSONField(_("发布时的需求内容"), default=dict, blank=True, editable=False)

    matching_state = models.CharField(
        _("匹配状态"), max_length=10, choices=MatchingState.choices, default=MatchingState.NONE
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("技术需求")
        verbose_name_plural = _("技术需求")
        indexes = [
            models.Index(fields=["call", "status"]),
            # The back-office and matching lists: newest first, within a call or across calls.
            models.Index(fields=["call", "-submitted_at", "-id"], name="need_call_submitted"),
            models.Index(fields=["-submitted_at", "-id"], name="need_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(intended_investment__isnull=True)
                | Q(total_investment__isnull=True)
                | Q(total_investment__gte=models.F("intended_investment")),
                name="total_investment_not_below_intended",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or self.title or f"#{self.pk}"

    @property
    def field_path(self) -> list[TechField]:
        return [f for f in (self.field_l1, self.field_l2, self.field_l3) if f is not None]

    def category_labels(self) -> list[str]:
        labels = dict(NeedCategory.choices)
        return [str(labels[c]) for c in self.categories if c in labels]

    def cooperation_mode_labels(self) -> list[str]:
        labels = dict(CooperationMode.choices)
        return [str(labels[c]) for c in self.cooperation_modes if c in labels]


class ReferenceCounter(models.Model):
    """Last reference number handed out per year (JSHK-2026-0001…), locked on use."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


# ---------------------------------------------------------------------------
# Back office: screening, review scores, the event shortlist, duplicates, exports
# ---------------------------------------------------------------------------


class ScreeningReason(models.TextChoices):
    """Closed list of reasons for returning a need or not selecting it."""

    INCOMPLETE = "incomplete", _("信息不完整")
    UNCLEAR = "unclear", _("需求描述不清晰")
    NO_TARGET = "no_target", _("缺少量化技术指标")
    IN_HOUSE = "in_house", _("企业可自行解决")
    OUT_OF_SCOPE = "out_of_scope", _("不属于征集范围")
    DUPLICATE = "duplicate", _("重复需求")
    OTHER = "other", _("其他")


class ScreeningEvent(models.Model):
    """One status change of a need made by staff (or by the enterprise resubmitting)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="screening_events")
    from_status = models.CharField(_("原状态"), max_length=20, choices=NeedStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=NeedStatus.choices)
    reason_code = models.CharField(_("原因"), max_length=20, choices=ScreeningReason.choices, blank=True)
    message = BoundedTextField(_("说明"), blank=True, max_length=2000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self) -> str:
        return f"{self.need} {self.from_status}→{self.to_status}"


class Rubric(models.Model):
    """The event shortlist's weighted criteria for one call.

    `criteria` is a list of {"key", "label", "weight"}; the weights sum to 100.
    """

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="rubric")
    criteria = models.JSONField(_("评分项"), default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分标准")
        verbose_name_plural = _("评分标准")

    def __str__(self) -> str:
        return f"{self.call}"

    def clean(self) -> None:
        total = sum(int(c.get("weight", 0)) for c in self.criteria)
        if total != 100:
            raise ValidationError(_("各评分项权重之和必须为 100（当前为 %(total)d）。") % {"total": total})


class ReviewScore(models.Model):
    """One reviewer's scores for one need (criterion key → integer score)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="review_scores")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_scores"
    )
    scores = models.JSONField(_("各项评分"), default=dict)
    comment = BoundedTextField(_("评语"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("评审评分")
        verbose_name_plural = _("评审评分")
        constraints = [
            models.UniqueConstraint(fields=["need", "reviewer"], name="one_score_per_need_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.need} / {self.reviewer}"


class Shortlist(models.Model):
    """One version of a call's event shortlist. Frozen versions never change;
    a change after freezing opens the next version."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="shortlists")
    version = models.PositiveSmallIntegerField(_("版本"))
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "-version"]
        verbose_name = _("对接会入选名单")
        verbose_name_plural = _("对接会入选名单")
        constraints = [
            models.UniqueConstraint(fields=["call", "version"], name="shortlist_version_unique"),
            models.UniqueConstraint(
                fields=["call"], condition=Q(frozen_at__isnull=True), name="one_open_shortlist_per_call"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="shortlist_entries")
    justification = BoundedTextField(_("入选理由"), max_length=1000)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("入选需求")
        verbose_name_plural = _("入选需求")
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "need"], name="shortlist_need_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.shortlist}: {self.need}"

    def save(self, *args, **kwargs):
        # A frozen version is immutable: the invariant lives with the data.
        if Shortlist.objects.filter(pk=self.shortlist_id, frozen_at__isnull=False).exists():
            raise NeedError(_("已冻结的名单版本不能修改。"), code="frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Shortlist.objects.filter(pk=self.shortlist_id, frozen_at__isnull=False).exists():
            raise NeedError(_("已冻结的名单版本不能修改。"), code="frozen")
        return super().delete(*args, **kwargs)


class DuplicateFlag(models.Model):
    """A submitted need that looks like another need of the same call."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="duplicate_flags")
    other = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(_("相似度"))
    same_enterprise = models.BooleanField(_("同一企业"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-similarity", "id"]
        verbose_name = _("疑似重复")
        verbose_name_plural = _("疑似重复")
        constraints = [
            models.UniqueConstraint(fields=["need", "other"], name="duplicate_flag_pair_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.need} ≈ {self.other} ({self.similarity:.2f})"


class NeedSignatureBand(models.Model):
    """One locality-sensitive-hashing band of a need's MinHash signature.

    Two needs of a call that share a (band, bucket) are duplicate candidates;
    only candidates are compared exactly (needs.screening), so a check costs a
    few index lookups, not a pass over every need of the call. `call` repeats
    the need's call so that the lookup is one index.
    """

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="signature_bands")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    band = models.PositiveSmallIntegerField()
    bucket = models.BigIntegerField()

    class Meta:
        verbose_name = _("需求文本签名")
        verbose_name_plural = _("需求文本签名")
        indexes = [models.Index(fields=["call", "band", "bucket"], name="need_band_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["need", "band"], name="need_band_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id}/{self.band}: {self.bucket}"


class ExportJobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    WAITING = "waiting", _("等待队列恢复")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """A back-office Excel export run by Celery; the file stays for download."""

    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExportJobStatus.choices, default=ExportJobStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"
