"""Forms of the match review pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from matching.models import DismissReason


class DismissForm(forms.Form):
    reason = forms.ChoiceField(label=_("排除原因"), choices=DismissReason.choices)
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("选择“其他”时必填。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("排除"), css_class="btn-outline-danger"))

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == DismissReason.OTHER and not cleaned.get("note"):
            self.add_error("note", _("选择“其他”时请填写说明。"))
        return cleaned
