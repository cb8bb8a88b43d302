"""Bulk import and export of the directory as .xlsx."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from partners.models import Partner
from partners.services import IMPORT_COLUMNS
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def _xlsx(
    rows, header=("name_zh_hant", "name_en", "acronym", "kind", "parent", "fields", "cooperation_modes")
):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("partners.xlsx", buffer.getvalue())


def _post(client, upload):
    return client.post(reverse("partners:partner_import"), {"file": upload})


def test_valid_import_creates_and_updates(client_as, staff_user, partner, reference_data):
    upload = _xlsx(
        [
            (
                "香港科技大學",
                "The Hong Kong University of Science and Technology",
                "HKUST",
                "university",
                "",
                "01;01.02",
                "joint_dev",
            ),
            (
                "人工智能晶片中心",
                "AI Chip Center",
                "ACCESS",
                "innohk_lab",
                "HKUST",
                "01.02",
                "joint_dev;commissioned",
            ),
            ("香港大學", "The University of Hong Kong (HKU)", "HKU", "university", "", "02", ""),
        ]
    )
    response = _post(client_as(staff_user), upload)
    body = response.content.decode()
    assert response.status_code == 200
    assert "新建 2 条，更新 1 条，拒绝 0 条" in body
    lab = Partner.objects.get(acronym="ACCESS")
    assert lab.parent.acronym == "HKUST"
    assert lab.name_zh_hans == "人工智能芯片中心" or lab.name_zh_hans == "人工智能晶片中心"
    assert set(lab.fields.values_list("code", flat=True)) == {"01.02"}
    assert lab.cooperation_modes == ["joint_dev", "commissioned"]
    partner.refresh_from_db()
    assert partner.acronym == "HKU" and list(partner.fields.values_list("code", flat=True)) == ["02"]
    assert AuditEntry.objects.filter(action="partner.import", actor=staff_user).exists()
    assert AuditEntry.objects.filter(action="partner.create").count() == 2


def test_partly_invalid_import_reports_each_row(client_as, staff_user, reference_data):
    upload = _xlsx(
        [
            ("香港理工大學", "The Hong Kong Polytechnic University", "PolyU", "university", "", "", ""),
            ("無類型", "No kind", "", "castle", "", "", ""),
            ("錯領域", "Bad field", "", "institute", "", "99.99", ""),
            ("無上級", "Orphan lab", "", "university_lab", "Nowhere University", "", ""),
            ("", "", "", "institute", "", "", ""),
            ("錯方式", "Bad mode", "", "institute", "", "", "barter"),
        ]
    )
    body = _post(client_as(staff_user), upload).content.decode()
    assert "新建 1 条，更新 0 条，拒绝 5 条" in body
    assert "castle" in body and "99.99" in body and "Nowhere University" in body and "barter" in body
    assert list(Partner.objects.values_list("name_en", flat=True)) == ["The Hong Kong Polytechnic University"]


@pytest.mark.parametrize(
    "payload",
    [
        b"name_en,kind\nFake,university\n",  # a CSV renamed to .xlsx
        b"",  # empty
    ],
)
def test_not_a_workbook_writes_nothing(payload, client_as, staff_user):
    response = _post(client_as(staff_user), SimpleUploadedFile("partners.xlsx", payload))
    assert response.status_code == 200
    assert "Excel" in response.content.decode() or "文件" in response.content.decode()
    assert not Partner.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_zip_that_is_not_a_workbook_writes_nothing(client_as, staff_user):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "name_en,kind")
    response = _post(client_as(staff_user), SimpleUploadedFile("partners.xlsx", buffer.getvalue()))
    assert "这不是有效的 Excel 工作簿" in response.content.decode()
    assert not Partner.objects.exists()


def test_missing_header_is_refused(client_as, staff_user):
    upload = _xlsx([("x", "y")], header=("foo", "bar"))
    body = _post(client_as(staff_user), upload).content.decode()
    assert "第一行必须是列名" in body
    assert not Partner.objects.exists()


def test_export_round_trips(client_as, staff_user, partner, reference_data):
    partner.fields.set(["01", "01.02"])
    response = client_as(staff_user).get(reverse("partners:partner_export"))
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert tuple(rows[0]) == IMPORT_COLUMNS
    assert rows[1][2] == "The University of Hong Kong (HKU)"
    assert rows[1][6] == "01;01.02"
    assert rows[1][13] == "partner-private@example.hk"  # staff export includes the contact
    # Importing the export back changes nothing.
    upload = SimpleUploadedFile("partners.xlsx", response.content)
    body = _post(client_as(staff_user), upload).content.decode()
    assert "新建 0 条，更新 0 条，拒绝 0 条" in body


def test_formula_cells_are_exported_as_text(client_as, staff_user, partner):
    partner.keywords = '=HYPERLINK("http://evil")'
    partner.save()
    response = client_as(staff_user).get(reverse("partners:partner_export"))
    wb = load_workbook(io.BytesIO(response.content))
    cell = wb.active.cell(2, 10)
    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s"
