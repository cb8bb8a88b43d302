"""Back-office forms: list filters, screening decisions, scores, rubric weights,
shortlist entries, comparisons and Excel uploads."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from needs.models import (
    Call,
    CooperationMode,
    Division,
    Need,
    NeedCategory,
    NeedStatus,
    ReviewScore,
    Rubric,
    ScreeningEvent,
    ScreeningReason,
    ShortlistEntry,
    TechField,
)
from needs.services.review import SCORE_MAX, SCORE_MIN
from needs.workflow import transitions_from
from portal.formfields import TextareaField, model_limit

COMPARE_MAX = 4


class NeedFilterForm(forms.Form):
    """GET filters of the staff need list; the export applies the same ones."""

    call = forms.ModelChoiceField(label=_("征集批次"), queryset=Call.objects.all(), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    field_l1 = forms.ModelChoiceField(
        label=_("技术领域"), queryset=TechField.objects.filter(level=1), required=False
    )
    city = forms.ModelChoiceField(
        label=_("地级市"), queryset=Division.objects.filter(level=Division.Level.CITY), required=False
    )
    category = forms.ChoiceField(label=_("需求类别"), required=False)
    cooperation_mode = forms.ChoiceField(label=_("合作方式"), required=False)
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    duplicates = forms.BooleanField(label=_("仅看疑似重复"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["status"].choices = everything + [
            c for c in NeedStatus.choices if c[0] != NeedStatus.DRAFT
        ]
        self.fields["category"].choices = everything + list(NeedCategory.choices)
        self.fields["cooperation_mode"].choices = everything + list(CooperationMode.choices)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-lg-auto g-2 align-items-end"
        self.helper.add_input(Submit("", _("筛选"), css_class="btn-secondary"))

    def filters(self) -> dict:
        """Cleaned filters as plain ids and strings (also stored on export jobs)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "call": data["call"].pk if data.get("call") else None,
            "status": data.get("status") or "",
            "field_l1": data["field_l1"].pk if data.get("field_l1") else "",
            "city": data["city"].pk if data.get("city") else "",
            "category": data.get("category") or "",
            "cooperation_mode": data.get("cooperation_mode") or "",
            "q": data.get("q") or "",
            "duplicates": bool(data.get("duplicates")),
        }


class CallPickForm(forms.Form):
    """`?call=` (and the shortlist's `?version=`) of the pages that show one call.

    A malformed or unknown value is a form error shown to the user; the page
    then falls back to the current call instead of failing.
    """

    call = forms.ModelChoiceField(label=_("征集批次"), queryset=Call.objects.all(), required=False)
    version = forms.IntegerField(label=_("版本"), required=False, min_value=1, max_value=32767)

    def call_id(self) -> int | None:
        if not self.is_valid() or self.cleaned_data.get("call") is None:
            return None
        return self.cleaned_data["call"].pk

    def version_number(self) -> int | None:
        return self.cleaned_data.get("version") if self.is_valid() else None

    def error_text(self) -> str:
        """The errors in one line, for a message above the page."""
        return " ".join(
            f"{self.fields[name].label}：{error}" for name, errors in self.errors.items() for error in errors
        )


class ScreeningForm(forms.Form):
    """A staff decision on one need; the choices come from the transition table."""

    to_status = forms.ChoiceField(label=_("审核决定"))
    reason_code = forms.ChoiceField(label=_("原因"), required=False)
    message = TextareaField(
        label=_("给企业的说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=model_limit(ScreeningEvent, "message"),
    )

    def __init__(self, *args, need: Need, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(to, t.label) for to, t in transitions_from(need.status)]
        # No decision preselected: "确认" on an untouched form must not move the need.
        self.fields["to_status"].choices = [("", "---------"), *choices] if choices else []
        self.fields["reason_code"].choices = [("", "—")] + list(ScreeningReason.choices)
        self.helper = FormHelper()
        self.helper.form_id = "screening-form"
        self.helper.add_input(Submit("screen", _("确认"), css_class="btn-primary"))


class ScoreForm(forms.Form):
    """One reviewer's scores, one field per rubric criterion."""

    comment = TextareaField(
        label=_("评语"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=model_limit(ReviewScore, "comment"),
    )

    def __init__(self, *args, rubric: Rubric, existing: ReviewScore | None = None, **kwargs):
        if existing is not None:
            kwargs["initial"] = {f"score_{k}": v for k, v in existing.scores.items()} | {
                "comment": existing.comment
            }
        super().__init__(*args, **kwargs)
        self.criteria = rubric.criteria
        fields = {}
        for criterion in rubric.criteria:
            fields[f"score_{criterion['key']}"] = forms.TypedChoiceField(
                label=f"{_(criterion['label'])}（{criterion['weight']}%）",
                choices=[(i, str(i)) for i in range(SCORE_MIN, SCORE_MAX + 1)],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
            )
        self.fields = {**fields, **self.fields}
        self.helper = FormHelper()
        self.helper.form_id = "score-form"
        self.helper.add_input(Submit("score", _("提交评分"), css_class="btn-primary"))

    def scores(self) -> dict[str, int]:
        return {c["key"]: self.cleaned_data[f"score_{c['key']}"] for c in self.criteria}


class RubricForm(forms.Form):
    """Criteria weights of a call's rubric; they must sum to 100."""

    def __init__(self, *args, rubric: Rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = rubric.criteria
        for criterion in rubric.criteria:
            self.fields[f"weight_{criterion['key']}"] = forms.IntegerField(
                label=_(criterion["label"]), min_value=0, max_value=100, initial=criterion["weight"]
            )
        self.helper = FormHelper()
        self.helper.form_id = "rubric-form"
        self.helper.form_class = "row row-cols-lg-auto g-2 align-items-end"
        self.helper.add_input(Submit("rubric", _("保存权重"), css_class="btn-outline-primary"))

    def clean(self):
        data = super().clean()
        weights = self.weights(data)
        if None not in weights.values() and sum(weights.values()) != 100:
            raise forms.ValidationError(
                _("各评分项权重之和必须为 100（当前为 %(total)d）。"), params={"total": sum(weights.values())}
            )
        return data

    def weights(self, data: dict | None = None) -> dict[str, int]:
        data = self.cleaned_data if data is None else data
        return {c["key"]: data.get(f"weight_{c['key']}") for c in self.criteria}


class ShortlistAddForm(forms.Form):
    need = forms.IntegerField(widget=forms.HiddenInput)
    justification = TextareaField(
        label=_("入选理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=model_limit(ShortlistEntry, "justification"),
    )


class CompareForm(forms.Form):
    """Up to four needs side by side (`?need=1&need=2…`)."""

    need = forms.TypedMultipleChoiceField(label=_("需求"), coerce=int)

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = choices

    def clean_need(self):
        ids = self.cleaned_data["need"]
        if not 2 <= len(ids) <= COMPARE_MAX:
            raise forms.ValidationError(_("请选择 2 至 %(n)d 项需求进行比较。"), params={"n": COMPARE_MAX})
        return ids


class ImportKind:
    ATTACHMENT2 = "attachment2"
    BATCH = "batch"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("文件类型"),
        choices=[
            (ImportKind.ATTACHMENT2, _("附件2需求信息表（每个文件一项需求）")),
            (ImportKind.BATCH, _("批量表（每行一项需求，与导出表列相同）")),
        ],
        widget=forms.RadioSelect,
        initial=ImportKind.ATTACHMENT2,
    )
    call = forms.ModelChoiceField(label=_("征集批次"), queryset=Call.objects.all())
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "import-form"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("import", _("导入"), css_class="btn-primary"))
