"""The import page: upload, preview of the rows as mapped, confirm, the worker runs it, summary and report."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from fengqiao.imports.models import ImportJob, JobStatus
from fengqiao.matters.models import Matter
from fengqiao.staff.models import User
from tests.imports.conftest import DATA


@pytest.fixture
def browse():  # type: ignore[no-untyped-def]
    def _as(user: User) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return _as


def upload(client: Client, name: str, content: bytes | None = None) -> object:
    data = content if content is not None else (DATA / name).read_bytes()
    return client.post("/imports/", {"file": SimpleUploadedFile(name, data), "channel": "call_110"}, follow=True)


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def run_worker() -> str:
    out = io.StringIO()
    call_command("work", "--once", stdout=out)
    return out.getvalue()


def test_the_chief_uploads_previews_confirms_and_sees_the_summary(browse, chief):  # type: ignore[no-untyped-def]
    client = browse(chief)

    preview = upload(client, "ledger_2024_07.xlsx")

    job = ImportJob.objects.get()
    page = text(preview)
    assert (job.status, job.created_by, job.header_row) == (JobStatus.DRAFT, chief, 4)
    assert "Check the columns of ledger_2024_07.xlsx" in page and "The header is in row 4." in page
    assert "JJ20240706002" in page and "东港豪庭5号楼" in page and "2024-07-06 20:40" in page  # as mapped
    assert "The call number is missing." in page  # row 9 shown as it would be rejected
    assert '<option value="call_number" selected>' in page
    assert Matter.objects.count() == 0

    queued = client.post(f"/imports/{job.pk}/", {**mapping_of(job), "confirm": "1"}, follow=True)

    assert "The import is queued; this page shows its progress." in text(queued)
    assert 'hx-trigger="every 1s"' in text(queued)
    assert run_worker() == "Ran 1 job(s).\n"

    summary = text(client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true"))
    assert "Done" in summary and "hx-trigger" not in summary  # polling stops
    assert '<th>Imported</th><td class="num">4</td>' in summary
    assert '<th>Rejected</th><td class="num">3</td>' in summary
    assert "昨天晚上" in summary and "This is not a date and time." in summary
    assert Matter.objects.filter(registered_by=chief).count() == 4

    report = client.get(f"/imports/{job.pk}/report.csv")
    assert report["Content-Disposition"] == 'attachment; filename="ledger_2024_07-errors.csv"'
    assert "昨天晚上" in b"".join(report.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]


def mapping_of(job: ImportJob, **changes: str) -> dict[str, str]:
    mapping = {f"col{i}": field for i, field in enumerate(job.mapping)}
    return mapping | changes


def test_the_mapping_can_be_changed_before_confirming(browse, officer):  # type: ignore[no-untyped-def]
    client = browse(officer)
    upload(client, "calls_utf8_bom.csv")
    job = ImportJob.objects.get()
    weather = job.headers.index("Weather")

    page = text(client.post(f"/imports/{job.pk}/", mapping_of(job, **{f"col{weather}": "ignore"})))

    job.refresh_from_db()
    assert job.mapping[weather] == "ignore" and job.status == JobStatus.DRAFT
    assert "Bicycle stolen" in page


def test_a_mapping_without_a_call_number_is_refused_with_the_reason(browse, officer):  # type: ignore[no-untyped-def]
    client = browse(officer)
    upload(client, "calls_utf8_bom.csv")
    job = ImportJob.objects.get()

    response = client.post(f"/imports/{job.pk}/", {**mapping_of(job, col0="extra"), "confirm": "1"})

    assert response.status_code == 400
    assert "No column is mapped to “Call number”." in text(response)
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The submitted file is empty."),
        ("picture.csv", None, "This is not a spreadsheet: use an .xlsx, .xls or .csv file."),
        ("broken.xlsx", None, "This .xlsx file cannot be read: it is damaged or not a spreadsheet."),
        ("no_header.csv", None, "No header row found"),
        ("spaces.csv", b"   \n\n", "The file is empty."),
    ],
)
def test_a_bad_file_is_refused_on_the_form_with_a_clear_message(browse, officer, settings, name, content, message):  # type: ignore[no-untyped-def]
    response = upload(browse(officer), name, content)

    assert response.status_code == 400  # type: ignore[attr-defined]
    assert message in text(response)
    assert ImportJob.objects.count() == 0
    assert list(Path(settings.MEDIA_ROOT).glob("imports/*/*")) == []  # the refused upload is not kept


def test_another_stations_job_is_not_found(browse, chief, other_chief):  # type: ignore[no-untyped-def]
    upload(browse(chief), "calls_gbk.csv")
    job = ImportJob.objects.get()
    other = browse(other_chief)

    for url in (f"/imports/{job.pk}/", f"/imports/{job.pk}/progress/", f"/imports/{job.pk}/report.csv"):
        assert other.get(url).status_code == 404
    assert other.post(f"/imports/{job.pk}/", {**mapping_of(job), "confirm": "1"}).status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT
    assert "calls_gbk.csv" not in text(other.get("/imports/"))


def test_an_auxiliary_officer_may_not_import(browse, auxiliary):  # type: ignore[no-untyped-def]
    response = browse(auxiliary).get("/imports/")

    assert response.status_code == 403
    assert "Only the chief and the officers of a station import its ledgers." in text(response)


def test_the_problems_speak_the_readers_language_whoever_ran_the_import(browse, chief):  # type: ignore[no-untyped-def]
    english = browse(chief)
    upload(english, "ledger_2024_07.xlsx")
    job = ImportJob.objects.get()
    english.post(f"/imports/{job.pk}/", {**mapping_of(job), "confirm": "1"})
    with translation.override("zh-hans"):  # the worker runs in the site's language
        run_worker()
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(chief)

    in_english = text(english.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true"))
    in_chinese = text(chinese.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true"))

    assert "This is not a date and time." in in_english and "这不是有效的日期时间。" not in in_english
    assert "这不是有效的日期时间。" in in_chinese and "This is not a date and time." not in in_chinese
