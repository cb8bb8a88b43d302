"""Forms of the partner app: filters, the staff partner form, imports, interest."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from needs.models import CooperationMode, NeedCategory, TechField
from partners.models import ExpressionOfInterest, Partner, PartnerKind
from partners.selectors import SORTS, hk_need_cities
from partners.services import PARTNER_FIELDS
from portal.formfields import TextareaField, bounded_formfield, model_limit


def _bootstrap(form: forms.Form) -> None:
    for bound in form.fields.values():
        css = "form-select" if isinstance(bound.widget, forms.Select) else "form-control"
        bound.widget.attrs.setdefault("class", css)


def _field_choices():
    return [("", _("全部领域"))] + [
        (f.code, ("　" if f.level == 2 else "") + f.name_zh)
        for f in TechField.objects.filter(level__lte=2).order_by("code")
    ]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    field = forms.ChoiceField(label=_("技术领域"), required=False)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型"))] + list(PartnerKind.choices)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _field_choices()
        _bootstrap(self)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data.get(name) or "" for name in ("q", "field", "kind")}


class HkNeedFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    field = forms.ChoiceField(label=_("技术领域"), required=False)
    category = forms.ChoiceField(
        label=_("需求类别"), required=False, choices=[("", _("全部类别"))] + list(NeedCategory.choices)
    )
    mode = forms.ChoiceField(
        label=_("合作方式"), required=False, choices=[("", _("全部方式"))] + list(CooperationMode.choices)
    )
    city = forms.ChoiceField(label=_("城市"), required=False)
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("new", _("最新发布")),
            ("old", _("最早发布")),
            ("title", _("名称")),
            ("investment", _("投入金额区间")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _field_choices()
        self.fields["city"].choices = [("", _("全部城市"))] + [(d.code, d.name_zh) for d in hk_need_cities()]
        _bootstrap(self)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {
            name: self.cleaned_data.get(name) or "" for name in ("q", "field", "category", "mode", "city")
        }
        data["sort"] = self.cleaned_data.get("sort") if self.cleaned_data.get("sort") in SORTS else "new"
        return data


class PartnerForm(forms.ModelForm):
    fields = forms.ModelMultipleChoiceField(
        label=_("技术领域（一、二级）"),
        queryset=TechField.objects.filter(level__lte=2).order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    website = forms.URLField(label=_("网址"), required=False, assume_scheme="https")
    cooperation_modes = forms.MultipleChoiceField(
        label=_("可参与的合作方式"),
        choices=CooperationMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partner
        fields = list(PARTNER_FIELDS)
        formfield_callback = bounded_formfield
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Partner.objects.order_by("name_en")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        if self.instance.pk:
            self.initial["fields"] = list(self.instance.fields.values_list("code", flat=True))
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("保存")))

    def clean(self):
        data = super().clean()
        if not data.get("name_zh_hant") and not data.get("name_en"):
            raise forms.ValidationError(_("繁体中文名称和英文名称至少填写一项。"))
        return data

    def partner_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "fields"}


class PartnerImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 工作簿（.xlsx）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("导入")))


class InterestForm(forms.Form):
    proposal = TextareaField(
        label=_("贵机构拟开展哪种合作？"),
        max_length=model_limit(ExpressionOfInterest, "proposal"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    questions = TextareaField(
        label=_("希望进一步了解哪些情况？"),
        max_length=model_limit(ExpressionOfInterest, "questions"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact = TextareaField(
        label=_("贵机构的联系人（姓名、职务、电话或邮箱）"),
        max_length=model_limit(ExpressionOfInterest, "contact"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "interest-form"
        self.helper.add_input(Submit("submit", _("提交合作意向")))


class AskEnterpriseForm(forms.Form):
    question = TextareaField(
        label=_("给企业的消息"),
        max_length=model_limit(ExpressionOfInterest, "enterprise_question"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    reason = TextareaField(
        label=_("婉拒原因"),
        max_length=model_limit(ExpressionOfInterest, "decline_reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReleaseForm(forms.Form):
    """Releasing contacts is never one click: staff tick what they are doing."""

    confirm = forms.BooleanField(
        label=_(
            "我确认：企业已同意，向该香港机构提供企业名称、联系人、电话、电子邮件和网址，并向企业提供该机构的联系方式。"
        ),
        required=True,
    )
