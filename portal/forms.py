"""Account forms: registration, login, invitation."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from portal.models import AuditEntry, Role, User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("电子邮件"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("登录")))

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class RegistrationForm(forms.Form):
    email = forms.EmailField(label=_("电子邮件"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    full_name = forms.CharField(label=_("姓名"), max_length=100, required=False)
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位，不能全为数字，不能与邮箱过于相似。"),
    )
    password2 = forms.CharField(
        label=_("确认密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("注册")))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("该邮箱已注册，请直接登录或找回密码。"))
        return email

    def clean(self):
        cleaned = super().clean()
        _check_new_password(self, cleaned, email=cleaned.get("email") or "")
        return cleaned


def _check_new_password(form: forms.Form, cleaned: dict, *, email: str) -> None:
    """Both password fields match and pass the validators, at the field."""
    p1, p2 = cleaned.get("password1"), cleaned.get("password2")
    if p1 and p2 and p1 != p2:
        form.add_error("password2", _("两次输入的密码不一致。"))
    elif p1:
        candidate = User(email=email, full_name=cleaned.get("full_name") or "")
        try:
            password_validation.validate_password(p1, candidate)
        except forms.ValidationError as error:
            form.add_error("password1", error)


class InvitationSignupForm(forms.Form):
    """A new account from an invitation: the address is the invited one."""

    full_name = forms.CharField(label=_("姓名"), max_length=100, required=False)
    password1 = RegistrationForm.base_fields["password1"]
    password2 = RegistrationForm.base_fields["password2"]

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("设置密码并加入")))

    def clean(self):
        cleaned = super().clean()
        _check_new_password(self, cleaned, email=self.email)
        return cleaned


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("电子邮件"))
    full_name = forms.CharField(label=_("姓名"), max_length=100, required=False)
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[(r.value, r.label) for r in (Role.STAFF, Role.REVIEWER, Role.HK)],
    )
    partner = forms.ModelChoiceField(
        label=_("所属香港机构"),
        queryset=None,  # the active partners, set from User.partner below
        required=False,
        help_text=_("仅香港机构用户需要选择。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        partners = User._meta.get_field("partner").related_model
        self.fields["partner"].queryset = partners.objects.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("发送邀请")))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("该邮箱已有账号。"))
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.HK and not cleaned.get("partner"):
            self.add_error("partner", _("香港机构用户必须属于一个香港机构。"))
        return cleaned


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), required=False)
    actor = forms.ModelChoiceField(label=_("操作人"), queryset=User.objects.none(), required=False)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        types = AuditEntry.objects.exclude(object_type="").order_by("object_type")
        self.fields["action"].choices = everything + [(a, a) for a in actions]
        self.fields["object_type"].choices = everything + [
            (t, t) for t in types.values_list("object_type", flat=True).distinct()
        ]
        self.fields["actor"].queryset = User.objects.filter(
            role__in=[Role.STAFF, Role.REVIEWER, Role.ADMIN]
        ).order_by("email")
