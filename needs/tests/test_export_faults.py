"""Exports when something is down or gone: the request is kept and the page
tells the truth; nothing waits for a person to notice."""

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from needs import tasks
from needs.models import ExportJob, ExportJobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _start(client, capture, data=None):
    with capture(execute=True):
        response = client.post(reverse("needs:staff_export"), data or {})
    assert response.status_code == 302
    return ExportJob.objects.latest("id"), response["Location"]


def test_an_export_started_while_the_queue_is_down_waits_and_starts_when_it_is_back(
    make_need, staff_user, client_as, monkeypatch, django_capture_on_commit_callbacks
):
    make_need(title="队列恢复后导出")
    client = client_as(staff_user)

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.export_job_task, "delay", broker_down)
        job, page_url = _start(client, django_capture_on_commit_callbacks)

    assert job.status == ExportJobStatus.WAITING
    page = client.get(page_url).content.decode()
    assert "任务队列暂时不可用" in page and "download-link" not in page
    assert 'http-equiv="refresh"' in page  # the page keeps looking

    assert tasks.export_jobs_resume() == 1  # the periodic job, once the broker is back

    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE
    assert "download-link" in client.get(page_url).content.decode()
    assert tasks.export_jobs_resume() == 0


def test_a_finished_export_whose_file_is_gone_offers_to_make_it_again(
    make_need, staff_user, client_as, django_capture_on_commit_callbacks
):
    make_need(title="文件丢失后重新生成")
    client = client_as(staff_user)
    job, _page = _start(client, django_capture_on_commit_callbacks, {"status": "submitted"})
    assert job.status == ExportJobStatus.DONE
    job.file.storage.delete(job.file.name)  # e.g. the database was restored, the files were not

    response = client.get(reverse("needs:staff_export_download", args=[job.pk]))

    assert response.status_code == 410
    page = response.content.decode()
    assert "该导出文件已不存在" in page and 'id="regenerate"' in page
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("needs:staff_export_regenerate", args=[job.pk]))
    new = ExportJob.objects.latest("id")
    assert again["Location"] == reverse("needs:staff_export_job", args=[new.pk])
    assert new.pk != job.pk and new.filters == job.filters and new.status == ExportJobStatus.DONE
    download = client.get(reverse("needs:staff_export_download", args=[new.pk]))
    assert download.status_code == 200
