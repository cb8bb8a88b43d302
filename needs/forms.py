"""Forms of the enterprise side (Attachment 2) and of call management."""

from datetime import datetime, time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from needs import selectors
from needs.models import (
    Call,
    CooperationMode,
    Division,
    Enterprise,
    EnterpriseType,
    HiTechZone,
    Industry,
    Need,
    NeedCategory,
    TechField,
)
from needs.spec import ENTERPRISE_FIELDS, FIELD_PATH_LABEL, FIELDS, NEED_FIELDS, SECTIONS, SUBMIT_REQUIRED
from needs.validators import (
    org_code_is_valid,
    phone_normalize,
    uscc_normalize,
    validate_not_future,
    validate_phone,
    validate_uscc,
)
from portal.formfields import bounded_formfield


class OutlineSubmit(Submit):
    """A secondary submit button (crispy's Submit is always btn-primary)."""

    field_classes = "btn btn-outline-secondary"


YES_NO = (("True", _("是")), ("False", _("否")))
OTHER_ZONE = "other"


def _yes_no() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=YES_NO, coerce=lambda v: v == "True", empty_value=None, widget=forms.RadioSelect
    )


def _date_input() -> forms.DateInput:
    # A date input only accepts ISO dates; the zh locales would render "2015/03/01",
    # which the browser drops, leaving a required field empty on every edit.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money() -> forms.DecimalField:
    return forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )


def _describe(form: forms.ModelForm, help_texts: dict) -> None:
    # Declared fields take neither the model's verbose name nor Meta's help text.
    for item in FIELDS:
        if item.name in form.fields and form.fields[item.name].label is None:
            form.fields[item.name].label = item.verbose_name
    for name, text in help_texts.items():
        if name in form.fields:
            form.fields[name].help_text = text


# ---------------------------------------------------------------------------
# Section 1: enterprise profile
# ---------------------------------------------------------------------------


class EnterpriseForm(forms.ModelForm):
    # Fields whose form side differs from the model's (labels come from the model).
    credit_code = forms.CharField(max_length=30)
    founded_on = forms.DateField(widget=_date_input(), validators=[validate_not_future])
    enterprise_type = forms.ChoiceField(choices=EnterpriseType.choices, widget=forms.RadioSelect)
    industry = forms.ChoiceField()
    is_high_tech = _yes_no()
    revenue_last_year = _money()
    in_hitech_zone = _yes_no()
    hitech_zone = forms.ChoiceField()
    division = forms.ChoiceField()
    website = forms.URLField(assume_scheme="https")
    contact_phone = forms.CharField(max_length=30, validators=[validate_phone])

    class Meta:
        model = Enterprise
        formfield_callback = bounded_formfield
        fields = [i.name for i in ENTERPRISE_FIELDS]
        fields.insert(fields.index("hitech_zone") + 1, "hitech_zone_other")  # typed when not listed
        widgets = {
            "main_business": forms.Textarea(attrs={"rows": 2}),
            "main_products": forms.Textarea(attrs={"rows": 2}),
            "introduction": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "credit_code": _("营业执照上的18位统一社会信用代码，字母自动转为大写。"),
            "industry": _("按《国民经济行业分类》（GB/T 4754-2017）选择。"),
            "main_business": _("主营业务及所属专业领域，一两句话即可。"),
            "main_products": _("列出主要产品或服务名称。"),
            "revenue_last_year": _("单位：万元，可保留两位小数。"),
            "hitech_zone": _("在高新区内时必填；列表中没有的请选择“其他”并填写名称。"),
            "rnd_staff": _("不超过员工总数。"),
            "division": _("按所在设区市分组；苏州工业园区等功能区可直接选择。"),
            "contact_phone": _("手机号码，或带区号的固定电话，如 025-85485892。"),
            "website": _("选填，如 https://www.example.com。"),
            "introduction": _("企业发展历程、规模、研发机构与平台、知识产权、所获荣誉等。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []
        _describe(self, self.Meta.help_texts)
        for item in ENTERPRISE_FIELDS:
            self.fields[item.name].required = item.required
        self.fields["industry"].choices = [("", "---------"), *selectors.industry_choices()]
        self.fields["division"].choices = [("", "---------"), *selectors.division_choices()]
        self.fields["hitech_zone"].choices = [
            ("", "---------"),
            *selectors.hitech_zone_choices(),
            (OTHER_ZONE, _("其他（请填写名称）")),
        ]
        if self.instance.pk:
            self.initial["industry"] = self.instance.industry_id
            self.initial["division"] = self.instance.division_id
            self.initial["hitech_zone"] = self.instance.hitech_zone_id or (
                OTHER_ZONE if self.instance.hitech_zone_other else ""
            )
            for name in ("is_high_tech", "in_hitech_zone"):
                value = getattr(self.instance, name)
                self.initial[name] = "" if value is None else str(value)
        self.helper = FormHelper()
        self.helper.form_id = "enterprise-form"
        self.helper.add_input(Submit("save", _("保存企业信息")))

    def clean_credit_code(self) -> str:
        code = uscc_normalize(self.cleaned_data["credit_code"])
        validate_uscc(code)
        if Enterprise.objects.filter(credit_code=code).exclude(pk=self.instance.pk).exists():
            # Do not reveal which enterprise it is.
            raise forms.ValidationError(
                _("该信用代码的企业已在平台注册。请联系已注册的同事在“企业信息”页面添加您的邮箱。"),
                code="uscc_taken",
            )
        if not org_code_is_valid(code):
            self.warnings.append(
                str(_("提示：信用代码第9–17位（组织机构代码）的校验位与 GB 11714 不符，请再次核对。"))
            )
        return code

    def clean_contact_phone(self) -> str:
        return phone_normalize(self.cleaned_data["contact_phone"])

    def clean_industry(self) -> Industry:
        return Industry.objects.get(code=self.cleaned_data["industry"])

    def clean_division(self) -> Division:
        return Division.objects.get(code=self.cleaned_data["division"])

    def clean(self):
        cleaned = super().clean()
        employees, rnd = cleaned.get("employees"), cleaned.get("rnd_staff")
        if employees is not None and rnd is not None and rnd > employees:
            self.add_error("rnd_staff", _("研发人员数不能超过员工总数。"))
        zone = cleaned.get("hitech_zone") or ""
        if cleaned.get("in_hitech_zone"):
            if not zone:
                self.add_error("hitech_zone", _("在高新区内时请选择高新区名称。"))
            elif zone == OTHER_ZONE and not cleaned.get("hitech_zone_other", "").strip():
                self.add_error("hitech_zone_other", _("请填写高新区名称。"))
        return cleaned

    def _post_clean(self):
        # Map the zone choice onto the two model fields before the model checks.
        zone = self.cleaned_data.get("hitech_zone") or ""
        in_zone = self.cleaned_data.get("in_hitech_zone")
        self.cleaned_data["hitech_zone"] = (
            HiTechZone.objects.filter(pk=zone).first() if in_zone and zone.isdigit() else None
        )
        if not (in_zone and zone == OTHER_ZONE):
            self.cleaned_data["hitech_zone_other"] = ""
        super()._post_clean()


class ColleagueForm(forms.Form):
    email = forms.EmailField(
        label=_("同事的电子邮件"),
        help_text=_("同事将收到邀请邮件，在 7 天内打开邮件中的链接即可加入本企业。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("add", _("发送邀请")))


# ---------------------------------------------------------------------------
# Sections 2 and 3: the need
# ---------------------------------------------------------------------------

NEED_HELP = {
    "title": _("用一句话概括要解决的技术问题，如“肿瘤类器官高通量药敏检测平台开发”。"),
    "field": _("按《国家重点支持的高新技术领域》逐级选择：先选一级分类，再选二级、三级分类。"),
    "intended_investment": _("企业计划为本合作投入的金额，单位：万元。"),
    "total_investment": _("项目总投入，单位：万元，不少于意向投入金额。"),
    "categories": _("可多选，至少选择一项。"),
    "description": _(
        "包括主要技术、条件、成熟度、成本等指标。写明量化目标（如精度、良率、周期、成本上限），"
        "当前技术成熟度，以及希望香港方面解决的关键难点。"
    ),
    "basis": _("已经开展的工作、所处阶段、投入资金和人力、仪器设备、生产条件等。"),
    "partner_requirements": _("技术领域、研发团队、研发水平等，如“在单细胞测序方面有原创成果的团队”。"),
    "partner_role": _("港方在项目中负责的具体工作和交付成果，如联合攻关某项算法、提供中试验证。"),
    "has_intended_partner": _("如已有意向合作的香港机构，请选择“是”并列出其详细名称。"),
    "intended_partner_name": _("请填写港方机构全称。"),
    "cooperation_modes": _("可多选，至少选择一项。"),
    "consent_share_hk": _(
        "提交必选：需求（不含企业名称、联系方式等信息）将向香港高校、科研机构公开，以便寻找合作方。"
    ),
    "consent_contact_release": _(
        "选填：同意后，省对外科技交流中心可将企业联系人及联系方式提供给其推荐的香港机构；不同意时由交流中心居间联系。"
    ),
}


class NeedForm(forms.ModelForm):
    """The need, sections 2 and 3. `mode` is "draft" (types and lengths only),
    "submit" (complete and valid) or "refresh" (re-render with the next level's
    technology-field choices, nothing checked)."""

    # Fields whose form side differs from the model's (labels come from the model).
    intended_investment = _money()
    total_investment = _money()
    categories = forms.MultipleChoiceField(choices=NeedCategory.choices, widget=forms.CheckboxSelectMultiple)
    has_intended_partner = _yes_no()
    cooperation_modes = forms.MultipleChoiceField(
        choices=CooperationMode.choices, widget=forms.CheckboxSelectMultiple
    )
    # The consent is asked in words of its own, not the model's.
    consent_share_hk = forms.BooleanField(label=_("我同意将本需求向香港机构公开"))
    consent_contact_release = forms.BooleanField(
        label=_("我同意省对外科技交流中心将本企业联系方式提供给其推荐的香港机构")
    )

    class Meta:
        model = Need
        formfield_callback = bounded_formfield
        fields = list(NEED_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "basis": forms.Textarea(attrs={"rows": 4}),
            "partner_requirements": forms.Textarea(attrs={"rows": 3}),
            "partner_role": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, mode: str = "draft", draft_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        for field in self.fields.values():
            field.required = False
        _describe(self, NEED_HELP)
        self.fields["field_l1"].help_text = NEED_HELP["field"]
        self.fields["field_l1"].queryset = TechField.objects.filter(level=1)
        if self.instance.pk:
            value = self.instance.has_intended_partner
            self.initial["has_intended_partner"] = "" if value is None else str(value)
            self.initial["consent_share_hk"] = self.instance.consent_share_hk
            self.initial["consent_contact_release"] = self.instance.consent_contact_release
        l1, l2 = self._chosen("field_l1"), self._chosen("field_l2")
        self.fields["field_l2"].queryset = (
            TechField.objects.filter(parent_id=l1) if l1 else TechField.objects.none()
        )
        if l2 and not self.fields["field_l2"].queryset.filter(pk=l2).exists():
            l2 = None
        self.fields["field_l3"].queryset = (
            TechField.objects.filter(parent_id=l2) if l2 else TechField.objects.none()
        )
        for name in ("field_l1", "field_l2", "field_l3"):
            self.fields[name].label_from_instance = lambda f: f"{f.code} {f.name_zh}"
        self.helper = self._helper(draft_allowed)

    def _chosen(self, name: str) -> str | None:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        value = self.initial.get(name)
        return getattr(value, "pk", value) or None

    def _helper(self, draft_allowed: bool) -> FormHelper:
        helper = FormHelper()
        helper.form_id = "need-form"
        helper.layout = Layout(
            Fieldset(
                SECTIONS[2],
                "title",
                HTML(format_html('<p class="form-label mb-1">{}</p>', FIELD_PATH_LABEL)),
                Div(
                    Div("field_l1", css_class="col-md-4"),
                    Div("field_l2", css_class="col-md-4"),
                    Div("field_l3", css_class="col-md-4"),
                    css_class="row",
                    css_id="tech-field-selects",
                ),
                OutlineSubmit(
                    "action_refresh",
                    _("下一步/更新选项"),
                    css_class="btn-sm mb-3",
                    css_id="refresh-button",
                    formnovalidate="formnovalidate",
                ),
                Div(
                    Div("intended_investment", css_class="col-md-6"),
                    Div("total_investment", css_class="col-md-6"),
                    css_class="row",
                ),
                "categories",
                "description",
                "basis",
            ),
            Fieldset(
                SECTIONS[3],
                "partner_requirements",
                "partner_role",
                "has_intended_partner",
                "intended_partner_name",
                "cooperation_modes",
            ),
            Fieldset(SECTIONS[0], "consent_share_hk", "consent_contact_release"),
        )
        if draft_allowed:
            helper.add_input(
                OutlineSubmit(
                    "action_draft",
                    _("保存草稿"),
                    css_class="me-2",
                    formnovalidate="formnovalidate",
                )
            )
        helper.add_input(Submit("action_submit", _("提交需求")))
        return helper

    def clean(self):
        cleaned = super().clean()
        l1, l2, l3 = cleaned.get("field_l1"), cleaned.get("field_l2"), cleaned.get("field_l3")
        if l3 and not l2:
            self.add_error("field_l2", _("请先选择二级分类。"))
        if l2 and not l1:
            self.add_error("field_l1", _("请先选择一级分类。"))
        intended, total = cleaned.get("intended_investment"), cleaned.get("total_investment")
        if intended is not None and total is not None and total < intended:
            self.add_error("total_investment", _("项目拟投入总金额不能少于意向投入金额。"))
        if cleaned.get("has_intended_partner") is False:
            cleaned["intended_partner_name"] = ""
        if self.mode == "submit":
            self._clean_complete(cleaned)
        return cleaned

    def _clean_complete(self, cleaned: dict) -> None:
        message = _("提交前请填写此项。")
        for name in SUBMIT_REQUIRED:
            if name in self.errors:
                continue
            if cleaned.get(name) in (None, "", []):
                self.add_error(name, message)
        l2 = cleaned.get("field_l2")
        if l2 and not cleaned.get("field_l3") and l2.children.exists():
            self.add_error("field_l3", message)
        if cleaned.get("has_intended_partner") and not cleaned.get("intended_partner_name", "").strip():
            self.add_error("intended_partner_name", _("已有港方意向合作单位时请列出其详细名称。"))
        if not cleaned.get("consent_share_hk"):
            self.add_error("consent_share_hk", _("提交需求须同意向香港机构公开需求。"))

    def suppress_errors(self) -> None:
        """Re-render what was typed without judging it (the "更新选项" button)."""
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def need_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


# ---------------------------------------------------------------------------
# Calls (staff)
# ---------------------------------------------------------------------------


# Calls are yearly and real: a date outside these years is a typing mistake,
# and year 1 or 9999 would overflow the time-zone conversion when saved.
CALL_YEAR_MIN = 2000
CALL_YEAR_MAX = 2100


class CallForm(forms.ModelForm):
    deadline_date = forms.DateField(
        label=_("截止日期"),
        widget=_date_input(),
        help_text=_("通知中的“6月10日前”即填写6月10日。"),
    )
    deadline_time = forms.TimeField(
        label=_("截止时刻（北京时间）"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": "1"}, format="%H:%M:%S"),
        help_text=_("留空表示当天 23:59:59 截止。"),
    )
    opens_at = forms.DateTimeField(
        label=_("开始时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    focus_fields = forms.ModelMultipleChoiceField(
        label=_("重点领域"),
        queryset=TechField.objects.filter(level=1),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Call
        formfield_callback = bounded_formfield
        fields = [
            "title",
            "year",
            "description",
            "focus_fields",
            "opens_at",
            "event_name",
            "event_date",
            "is_current",
        ]
        widgets = {
            "event_date": _date_input(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_fields"].label_from_instance = lambda f: f.name_zh
        if self.instance.pk:
            local = timezone.localtime(self.instance.deadline)
            self.initial["deadline_date"] = local.date()
            self.initial["deadline_time"] = local.time().replace(microsecond=0)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "title",
            "year",
            "description",
            "focus_fields",
            "opens_at",
            Div(
                Div("deadline_date", css_class="col-md-6"),
                Div("deadline_time", css_class="col-md-6"),
                css_class="row",
            ),
            "event_name",
            "event_date",
            "is_current",
        )
        self.helper.add_input(Submit("save", _("保存")))

    def clean(self):
        cleaned = super().clean()
        for name in ("year", "opens_at", "deadline_date", "event_date"):
            value = cleaned.get(name)
            year = value if isinstance(value, int) else getattr(value, "year", None)
            if year is not None and not CALL_YEAR_MIN <= year <= CALL_YEAR_MAX:
                self.add_error(
                    name,
                    _("年份须在 %(low)d 至 %(high)d 之间。") % {"low": CALL_YEAR_MIN, "high": CALL_YEAR_MAX},
                )
        day = cleaned.get("deadline_date")
        if day:
            moment = cleaned.get("deadline_time") or time(23, 59, 59)
            deadline = timezone.make_aware(datetime.combine(day, moment), timezone.get_default_timezone())
            self.instance.deadline = deadline
            opens = cleaned.get("opens_at")
            if opens and deadline <= opens:
                self.add_error("deadline_date", _("截止时间必须晚于开始时间。"))
        return cleaned
