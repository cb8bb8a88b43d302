"""Checks an uploaded spreadsheet passes before openpyxl may open it.

A hostile upload must be refused quickly with a clear message: too large, not a
zip at all, a zip whose entries declare a huge uncompressed size (zip bomb), or
a zip that is not an Excel workbook. XML entity bombs are refused by
defusedxml, which openpyxl uses when it is installed.
"""

import zipfile
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook


def upload_read_checked(upload: UploadedFile) -> bytes:
    """Return the upload's bytes once size and zip structure look like a workbook."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("文件过大（上限 %(mb)d MB）。") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("文件过大（上限 %(mb)d MB）。") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    if not zipfile.is_zipfile(BytesIO(data)):
        raise ValidationError(_("这不是有效的 Excel 工作簿（.xlsx）文件。"), code="not_workbook")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise ValidationError(_("这不是有效的 Excel 工作簿（.xlsx）文件。"), code="not_workbook")
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ValidationError(_("这不是有效的 Excel 工作簿（.xlsx）文件。"), code="not_workbook")
    declared = sum(entry.file_size for entry in entries)
    if declared > settings.UPLOAD_MAX_UNCOMPRESSED_BYTES or len(entries) > 10000:
        raise ValidationError(_("文件解压后过大，已拒绝。"), code="zip_bomb")
    return data


def workbook_open_checked(upload: UploadedFile) -> Workbook:
    """Open a checked upload read-only; any parse failure becomes a clear error."""
    data = upload_read_checked(upload)
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds; all mean "not readable"
        raise ValidationError(_("无法读取该 Excel 文件，请确认文件未损坏。"), code="unreadable")


def sheet_rows(ws, *, max_rows: int | None = None):
    """Yield at most UPLOAD_MAX_ROWS rows of values from a read-only sheet."""
    limit = max_rows or settings.UPLOAD_MAX_ROWS
    for index, row in enumerate(ws.iter_rows(values_only=True)):
        if index >= limit:
            raise ValidationError(_("行数超过上限（%(n)d 行）。") % {"n": limit}, code="too_many_rows")
        yield row
