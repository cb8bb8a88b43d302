"""Field rules of the Attachment 2 form (credit code, phone, dates)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 31 characters, I O S V Z never used.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0xx or 0xxx, 7–8 digit number, optional extension.
LANDLINE = re.compile(r"^0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?$")


def uscc_normalize(value: str) -> str:
    """Trim, drop inner spaces and hyphens, upper-case."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Hard rule: shape and the GB 32100-2015 check character (position 18)."""
    code = uscc_normalize(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位（当前%(length)d位）。"),
            code="uscc_length",
            params={"length": len(code)},
        )
    if not USCC_SHAPE.match(code):
        raise ValidationError(
            _(
                "统一社会信用代码格式不正确：只能包含数字和大写字母（不含 I、O、S、V、Z），第3–8位为行政区划代码。"
            ),
            code="uscc_shape",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对营业执照上的代码。"), code="uscc_check")


def org_code_is_valid(uscc: str) -> bool:
    """Soft rule: the GB 11714 check character of the organisation code (positions 9–17)."""
    code = uscc_normalize(uscc)
    if len(code) != 18:
        return False
    body, check = code[8:16], code[16]

    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    try:
        total = sum(value(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    except ValueError:
        return False
    expected = 11 - total % 11
    return check == {10: "X", 11: "0"}.get(expected, str(expected))


def phone_normalize(value: str) -> str:
    value = (value or "").strip()
    value = re.sub(r"[\s\u3000]", "", value)
    return value.replace("—", "-").replace("－", "-").replace("（", "(").replace("）", ")")


def validate_phone(value: str) -> None:
    """A mainland mobile number or a landline with its area code."""
    phone = phone_normalize(value)
    phone = re.sub(r"^\((0\d{2,3})\)", r"\1-", phone)
    if phone.startswith("+86"):
        phone = phone[3:].lstrip("-")
    if MOBILE.match(phone) or LANDLINE.match(phone):
        return
    raise ValidationError(
        _("请填写手机号码（如 15850535896）或带区号的固定电话（如 025-85485892）。"), code="phone"
    )


def validate_not_future(value: date) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("成立时间不能晚于今天。"), code="future_date")
