"""The field rules of section 1: credit code (GB 32100 / GB 11714), phone, dates."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from needs.validators import (
    org_code_is_valid,
    uscc_normalize,
    validate_not_future,
    validate_phone,
    validate_uscc,
)

VALID = [
    "914403001922038216",
    "913200001347585460",
    "913200001347645408",
    "91321183799093948X",
    "91330100799655058B",
    "91110108551385082Q",
    "91440300708461136T",
    "91320000796544598E",
]
INVALID = {
    "914403001922038217": "uscc_check",
    "91320000134769018A": "uscc_check",
    "91110108717809965C": "uscc_check",
    "9133010057462616XH": "uscc_check",
    "91320000MA1K1L5X3": "uscc_length",
    "9132000060895O984X": "uscc_shape",
}


@pytest.mark.parametrize("code", VALID)
def test_valid_credit_codes_pass_both_checks(code):
    validate_uscc(code)
    assert org_code_is_valid(code)


@pytest.mark.parametrize("code,reason", INVALID.items())
def test_invalid_credit_codes_are_refused(code, reason):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == reason


def test_credit_code_is_normalised_to_upper_case():
    assert uscc_normalize(" 91321183799093948x ") == "91321183799093948X"
    validate_uscc("91321183799093948x")


def test_organisation_code_check_is_only_a_soft_rule():
    # Position 18 recomputed so only the GB 11714 check (positions 9–17) fails.
    from needs.validators import uscc_check_character

    body = "91110108717809965"
    code = body + uscc_check_character(body)
    validate_uscc(code)
    assert not org_code_is_valid(code)


@pytest.mark.parametrize(
    "phone", ["15850535896", "025-85485892", "02585485892", "0512-6666888", "(025)85485892"]
)
def test_phone_accepts_mobile_and_landline_with_area_code(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["85485892", "1234567", "25850535896", "025-123", "abc"])
def test_phone_refuses_other_numbers(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_founding_date_not_in_the_future():
    validate_not_future(timezone.localdate())
    with pytest.raises(ValidationError):
        validate_not_future(timezone.localdate() + timedelta(days=1))
