"""Every free-text field has a limit: the browser is told (maxlength, a counter),
the server refuses more in the user's language, and the imports refuse it per
item."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from matching.forms import DismissForm
from matching.models import MatchDecision
from needs.attachment2 import attachment2_workbook
from needs.backoffice_forms import ScoreForm, ScreeningForm, ShortlistAddForm
from needs.forms import CallForm, EnterpriseForm, NeedForm
from needs.models import Call, Enterprise, Need, ReviewScore, ScreeningEvent, ShortlistEntry
from needs.services.review import rubric_for_call
from needs.tests.sheets import sheet_set
from partners.forms import AskEnterpriseForm, DeclineForm, InterestForm, PartnerForm
from partners.models import ExpressionOfInterest, Partner
from portal.exports import workbook_bytes
from portal.fields import BoundedTextField

pytestmark = pytest.mark.django_db

HUGE = "需" * 1_900_000  # 5.7 MB in UTF-8, the size of the reported submission


def _forms(need: Need) -> list[tuple[object, dict[str, tuple[type, str]]]]:
    """Each form that writes bounded text: form field → (model, model field)."""
    rubric = rubric_for_call(call=need.call)
    return [
        (
            NeedForm(),
            {n: (Need, n) for n in ("description", "basis", "partner_requirements", "partner_role")},
        ),
        (EnterpriseForm(), {n: (Enterprise, n) for n in ("main_business", "main_products", "introduction")}),
        (CallForm(), {"description": (Call, "description")}),
        (
            PartnerForm(),
            {"description": (Partner, "description"), "description_en": (Partner, "description_en")},
        ),
        (ScreeningForm(need=need), {"message": (ScreeningEvent, "message")}),
        (ScoreForm(rubric=rubric), {"comment": (ReviewScore, "comment")}),
        (ShortlistAddForm(), {"justification": (ShortlistEntry, "justification")}),
        (InterestForm(), {n: (ExpressionOfInterest, n) for n in ("proposal", "questions", "contact")}),
        (AskEnterpriseForm(), {"question": (ExpressionOfInterest, "enterprise_question")}),
        (DeclineForm(), {"reason": (ExpressionOfInterest, "decline_reason")}),
        (DismissForm(), {"note": (MatchDecision, "note")}),
    ]


def test_every_bounded_field_has_a_form_with_its_limit(make_need):
    covered = set()
    for form, fields in _forms(make_need()):
        for name, (model, model_field) in fields.items():
            limit = model._meta.get_field(model_field).max_length
            assert form.fields[name].max_length == limit, (type(form).__name__, name)
            assert f'maxlength="{limit}"' in str(form[name]), (type(form).__name__, name)
            covered.add((model, model_field))
    bounded = {
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, BoundedTextField)
    }
    # A new bounded field needs its form listed above (and checked).
    assert bounded == covered


def test_plain_forms_refuse_more_than_the_model_holds(make_need):
    for form_class, name in ((InterestForm, "questions"), (AskEnterpriseForm, "question")):
        form = form_class(data={"proposal": "合作", "contact": "张三", name: "问" * 1001})
        assert not form.is_valid()
        assert "不超过 1000" in form.errors[name][0]
    form = ShortlistAddForm(data={"need": make_need().pk, "justification": "理" * 1001})
    assert "不超过 1000" in form.errors["justification"][0]


@pytest.mark.parametrize(
    "action, description",
    [("action_submit", HUGE), ("action_draft", HUGE), ("action_submit", "需" * 300_000)],
)
def test_a_huge_description_is_refused_and_the_form_keeps_the_rest(
    action, description, client_as, enterprise_user, current_call, need_post, settings
):
    # The form refuses it even where the request-size limit lets it through.
    settings.REQUEST_MAX_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    data = {k: v for k, v in need_post.items() if k != "action_submit"}
    data.update({action: "1", "description": description, "basis": "基础" * 10})
    response = client_as(enterprise_user).post(reverse("needs:need_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    error = response.context["form"].errors["description"][0]
    assert error == f"确保该变量包含不超过 2000 字符 (目前字符数 {len(description)})。"
    assert error in page
    assert list(response.context["form"].errors) == ["description"]
    for typed in (need_post["title"], need_post["partner_requirements"], "基础" * 10):
        assert typed in page
    assert 'maxlength="2000"' in page
    assert not Need.objects.exists()


def test_an_over_long_edit_changes_nothing(client_as, enterprise_user, make_need, need_post, enterprise):
    need = make_need(status="draft", description="原来的描述")
    data = {**need_post, "partner_role": "工" * 1001}
    response = client_as(enterprise_user).post(reverse("needs:need_edit", args=[need.pk]), data)
    assert "确保该变量包含不超过 1000 字符 (目前字符数 1001)。" in response.content.decode()
    need.refresh_from_db()
    assert (need.status, need.description) == ("draft", "原来的描述")


def test_the_model_refuses_it_too():
    need = Need(description="x" * 2001)
    with pytest.raises(Exception) as refused:
        need.full_clean(exclude=[f.name for f in Need._meta.fields if f.name != "description"])
    assert "description" in refused.value.message_dict


def test_line_breaks_count_once_as_in_the_browser(client_as, enterprise_user, current_call, need_post):
    # 1000 lines of one character: 2000 characters to the browser's maxlength,
    # 3000 as posted (CR LF).
    text = "\r\n".join(["字"] * 1000) + "\r\n"
    response = client_as(enterprise_user).post(
        reverse("needs:need_create"), {**need_post, "description": text}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Need.objects.get().description == "\n".join(["字"] * 1000)


def test_the_counter_script_is_on_every_page(client_as, enterprise_user, current_call):
    page = client_as(enterprise_user).get(reverse("needs:need_create")).content.decode()
    assert 'src="/static/js/char-counter.js" data-counter-text="已输入 {count} / {max} 字"' in page
    assert "onclick" not in page and "oninput" not in page


# --- imports -------------------------------------------------------------------


@pytest.fixture
def imported_need(make_need, complete_enterprise):
    return make_need(enterprise=complete_enterprise, field_l3_id="02.01.03", description="原来的描述")


def test_an_imported_over_long_text_is_refused_with_its_reason(
    imported_need, staff_user, client_as, current_call
):
    wb = attachment2_workbook(imported_need)
    sheet_set(wb.active, "需求内容描述", "描" * 2001)
    upload = SimpleUploadedFile("need.xlsx", workbook_bytes(wb))
    page = (
        client_as(staff_user)
        .post(reverse("needs:staff_import"), {"kind": "attachment2", "call": current_call.pk, "file": upload})
        .content.decode()
    )
    assert 'id="rejected-count">1<' in page
    assert "需求内容描述：确保该变量包含不超过 2000 字符 (目前字符数 2001)。" in page
    imported_need.refresh_from_db()
    assert imported_need.description == "原来的描述"
