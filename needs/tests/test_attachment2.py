"""The need as an .xlsx laid out like Attachment 2, and reading it back."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from needs.attachment2 import attachment2_read_sheet, attachment2_workbook
from needs.models import Need, NeedStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(enterprise, current_call, enterprise_user) -> Need:
    enterprise.enterprise_type = "sme"
    enterprise.is_high_tech = True
    enterprise.in_hitech_zone = False
    enterprise.employees, enterprise.rnd_staff = 120, 30
    enterprise.revenue_last_year = Decimal("1234.50")
    enterprise.industry_id = "27"
    enterprise.save()
    return Need.objects.create(
        enterprise=enterprise,
        call=current_call,
        created_by=enterprise_user,
        reference="JSHK-2026-0007",
        status=NeedStatus.SUBMITTED,
        title='=HYPERLINK("http://evil.example","click")',
        field_l1_id="02",
        field_l2_id="02.01",
        field_l3_id="02.01.03",
        intended_investment=Decimal("500"),
        total_investment=Decimal("1200.50"),
        categories=["core_rnd", "tech_support"],
        description="+SUM(A1:A2) 检测周期≤14天",
        basis="@已建成实验室",
        partner_requirements="-团队",
        partner_role="联合攻关",
        has_intended_partner=True,
        intended_partner_name="香港大学",
        cooperation_modes=["joint_dev"],
        consent_share_hk=True,
    )


def _download(client_as, user, need):
    response = client_as(user).get(reverse("needs:need_xlsx", args=[need.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content))


def _labels(ws) -> dict[str, object]:
    """Label → the cell to its right."""
    found = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.column < 4:
                found.setdefault(cell.value, ws.cell(cell.row, cell.column + 1).value)
    return found


def test_sheet_has_the_forms_sections_labels_and_boxes(client_as, enterprise_user, need):
    ws = _download(client_as, enterprise_user, need).active
    assert ws["A1"].value == "江苏企业与香港技术合作需求信息表"
    cells = {c.value for row in ws.iter_rows() for c in row if c.value}
    for section in ("1、企业基本信息", "2、企业技术需求信息", "3、香港意向合作机构要求"):
        assert section in cells
    labels = _labels(ws)
    assert labels["企业名称"] == "江苏甲企业有限公司"
    assert labels["社会统一信用代码"] == "913200001347585460"
    assert labels["企业类型"] == "☐大企业  ☑中小企业  ☐其他"
    assert labels["是否高新技术企业"] == "☑是  ☐否"
    assert labels["是否在高新区内"] == "☐是  ☑否"
    assert labels["员工总数"] == 120
    assert labels["意向投入金额（万元）"] == 500
    assert labels["所属技术领域"].startswith("一级分类：02 ")
    assert "☑技术研发（关键、核心技术）" in labels["需求类别"] and "☐专利" in labels["需求类别"]
    assert "☑联合开发" in labels["合作方式"] and "☐技术转让" in labels["合作方式"]
    assert labels["港方意向合作单位全称"] == "香港大学"


def test_user_text_starting_with_formula_characters_stays_text(client_as, enterprise_user, need):
    ws = _download(client_as, enterprise_user, need).active
    labels = _labels(ws)
    assert need.title.startswith("=")
    for label, original in (
        ("技术需求名称", need.title),
        ("需求内容描述", need.description),
        ("现有基础", need.basis),
        ("港方机构应具备的条件", need.partner_requirements),
    ):
        assert labels[label] == original, label
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate


def test_read_sheet_gives_back_the_values(need):
    wb = load_workbook(BytesIO(_bytes(attachment2_workbook(need))))
    data = attachment2_read_sheet(wb.active)
    assert data["reference"] == "JSHK-2026-0007"
    assert data["need"]["title"] == need.title  # the guard apostrophe is undone
    assert data["need"]["description"] == need.description
    assert data["need"]["field_l1"] == "02" and data["need"]["field_l3"] == "02.01.03"
    assert data["need"]["categories"] == ["core_rnd", "tech_support"]
    assert data["need"]["cooperation_modes"] == ["joint_dev"]
    assert data["need"]["has_intended_partner"] is True
    assert data["need"]["total_investment"] == Decimal("1200.5")
    assert data["need"]["consent_share_hk"] is True
    enterprise = data["enterprise"]
    assert enterprise["credit_code"] == "913200001347585460"
    assert enterprise["enterprise_type"] == "sme"
    assert enterprise["industry"] == "27"
    assert enterprise["division"] == "320102"
    assert enterprise["is_high_tech"] is True and enterprise["in_hitech_zone"] is False
    assert enterprise["employees"] == 120 and enterprise["revenue_last_year"] == Decimal("1234.5")
    assert data["errors"] == []


def test_several_needs_one_sheet_each(need, current_call, enterprise):
    draft = Need.objects.create(enterprise=enterprise, call=current_call, title="草稿")
    wb = attachment2_workbook([need, draft])
    assert wb.sheetnames == ["JSHK-2026-0007", f"草稿{draft.pk}"]


def test_print_page_shows_ticked_boxes(client_as, enterprise_user, need):
    body = client_as(enterprise_user).get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert "☑中小企业" in body and "☐大企业" in body and "☑联合开发" in body
    assert "attachment2" in body


def _bytes(wb) -> bytes:
    from portal.exports import workbook_bytes

    return workbook_bytes(wb)
