"""Importing the files stations really have: exact counts, row-level reports, and nothing twice."""

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError
from django.db.models import Sum

from fengqiao.imports.models import ImportJob, ImportProblem, JobStatus
from fengqiao.lib.normalize import SHANGHAI
from fengqiao.lib.textsearch import tokens
from fengqiao.matters.models import Matter, MatterEvent, Stage
from fengqiao.matters.search import search
from fengqiao.people.models import Person
from fengqiao.stats.models import StatsRollup
from tests.data.imports.generate import BAD_CHECKSUM_ID, VALID_ID, VALID_ID_LOWER_X

SUMMARY = "Rows read: {}, imported: {}, already present (skipped): {}, rejected: {}, warnings: {}."


def report_lines(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_the_messy_xlsx_imports_its_good_rows_and_reports_the_others_by_row(ledger, run_import, station):  # type: ignore[no-untyped-def]
    output = run_import(ledger("ledger_2024_07.xlsx"), "--commit")

    assert SUMMARY.format(8, 4, 1, 3, 4) in output
    job = ImportJob.objects.get()
    assert (job.status, job.header_row, job.rows_read, job.imported, job.skipped, job.rejected, job.warnings) == (
        JobStatus.DONE, 4, 8, 4, 1, 3, 4,
    )  # fmt: skip
    assert report_lines(Path(job.report_csv)) == [
        ["Row", "Column", "Problem", "Original value", "Outcome"],
        ["8", "报警电话", "Not a valid phone number: kept with the matter, not on the person.", "12345", "Warning"],
        [
            "8",
            "身份证号",
            "Not a valid ID number: kept with the matter, not on the person.",
            BAD_CHECKSUM_ID,
            "Warning",
        ],
        ["8", "警情类型", "Unknown category, filed as 9999 其它警情.", "奇怪的类别", "Warning"],
        ["9", "接警单编号", "The call number is missing.", "", "Rejected"],
        ["10", "接警时间", "This is not a date and time.", "昨天晚上", "Rejected"],
        ["11", "案发地址", "Neither an address nor a description: one of them is required.", "", "Rejected"],
        ["13", "报警人姓名", "No reporter name: the phone and ID number are kept with the matter.", "", "Warning"],
    ]
    sheet = openpyxl.load_workbook(job.report_xlsx).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)][1] == [
        8, "报警电话", "Not a valid phone number: kept with the matter, not on the person.", "12345", "Warning",
    ]  # fmt: skip


def test_values_are_normalised_and_the_original_text_is_kept(ledger, run_import, station):  # type: ignore[no-untyped-def]
    run_import(ledger("ledger_2024_07.xlsx"), "--commit")

    first, second, third, eighth = Matter.objects.order_by("external_ref")
    # An Excel serial number (no date format) and a real date cell, both read as Shanghai time.
    assert first.reported_at == dt.datetime(2024, 7, 6, 20, 5, tzinfo=SHANGHAI)
    assert second.reported_at == dt.datetime(2024, 7, 6, 20, 40, tzinfo=SHANGHAI)
    assert third.reported_at == dt.datetime(2024, 7, 6, 21, 30, tzinfo=SHANGHAI)
    # Full-width digits made half-width in the call number and the address.
    assert (second.external_ref, second.address_text) == ("JJ20240706002", "东港豪庭5号楼")
    # Categories by label, by code, unknown → 9999, and in traditional characters; the kind follows.
    assert [(m.category.code, m.kind) for m in (first, second, third, eighth)] == [
        ("020501", "dispute"), ("0104", "case"), ("9999", "help"), ("020501", "dispute"),
    ]  # fmt: skip
    assert eighth.description == "兩家因停車發生口角"  # folded only to match, never rewritten
    assert (first.channel, first.stage, first.latitude, first.longitude) == (
        "call_110", Stage.REGISTERED, Decimal("37.950000"), Decimal("115.215000"),
    )  # fmt: skip
    assert first.extra == {"天气": "雨", "dispatch_officer": "赵民警", "result": "已调解"}


def test_an_invalid_phone_or_id_stays_off_the_person_and_on_the_matter(ledger, run_import, station):  # type: ignore[no-untyped-def]
    run_import(ledger("ledger_2024_07.xlsx"), "--commit")

    zhang, li, wang = (Matter.objects.get(external_ref=ref).parties.get().person for ref in
                       ("JJ20240706001", "JJ20240706002", "JJ20240706003"))  # fmt: skip
    assert (zhang.phone, zhang.id_number) == ("13812345678", VALID_ID_LOWER_X.upper())
    assert li.phone == "13912345678"  # +86 and the dashes gone
    assert (wang.phone, wang.id_number) == ("", "")
    assert Matter.objects.get(external_ref="JJ20240706003").extra == {"报警电话": "12345", "身份证号": BAD_CHECKSUM_ID}
    nameless = Matter.objects.get(external_ref="JJ20240706008")
    assert not nameless.parties.exists() and nameless.extra == {"报警电话": "13812345678"}


def test_each_imported_matter_has_its_registration_event_at_the_reported_time(ledger, run_import, station):  # type: ignore[no-untyped-def]
    run_import(ledger("ledger_2024_07.xlsx"), "--commit")

    for matter in Matter.objects.all():
        event = MatterEvent.objects.get(matter=matter)
        assert (event.from_stage, event.to_stage, event.at) == ("", Stage.REGISTERED, matter.reported_at)
        assert matter.reference == f"LUCHENG-2024-{matter.pk:06d}"


def test_imported_matters_are_found_by_search_and_counted_in_the_statistics(ledger, run_import, station):  # type: ignore[no-untyped-def]
    run_import(ledger("ledger_2024_07.xlsx"), "--commit")

    # Every imported matter is in the search index, by a two-character word of its description and its call number.
    for matter in Matter.objects.all():
        word = next(token for token in tokens(matter.description) if len(token) == 2)
        assert matter in search(Matter.objects.all(), word)
        assert list(search(Matter.objects.all(), matter.external_ref)) == [matter]
    # The statistics rollup was recounted once, at the end, for the days the batches touched.
    assert StatsRollup.objects.aggregate(n=Sum("matters"))["n"] == Matter.objects.count() == 4
    assert ImportJob.objects.get().rollup_days == []


def test_importing_the_same_file_again_adds_nothing(ledger, run_import, station):  # type: ignore[no-untyped-def]
    path = ledger("ledger_2024_07.xlsx")
    run_import(path, "--commit")
    matters, persons, problems = Matter.objects.count(), Person.objects.count(), ImportProblem.objects.count()

    output = run_import(path, "--commit")

    assert SUMMARY.format(8, 0, 5, 3, 0) in output
    assert (Matter.objects.count(), Person.objects.count()) == (matters, persons) == (4, 3)
    assert ImportProblem.objects.count() == problems + 3  # the rejected rows are still rejected, and said so


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(ledger, run_import, station):  # type: ignore[no-untyped-def]
    path = ledger("ledger_2024_07.xlsx")

    output = run_import(path)

    assert SUMMARY.format(8, 4, 1, 3, 4) in output
    assert "Dry run: nothing was written. Run again with --commit to import." in output
    assert (Matter.objects.count(), Person.objects.count(), ImportJob.objects.count()) == (0, 0, 0)
    assert len(report_lines(path.with_name("ledger_2024_07-dry-run-errors.csv"))) == 1 + 7


def test_an_old_xls_with_a_merged_title_and_date_cells(ledger, run_import, station):  # type: ignore[no-untyped-def]
    output = run_import(ledger("bozhen_2024_03.xls"), "--commit")

    assert SUMMARY.format(3, 2, 0, 1, 0) in output
    b001, b002 = Matter.objects.order_by("external_ref")
    assert b001.reported_at == dt.datetime(2024, 3, 1, 8, 30, tzinfo=SHANGHAI)
    assert (b001.category.code, b001.kind) == ("9999", "help")
    assert b002.parties.get().person.phone == "031187654321"
    assert report_lines(Path(ImportJob.objects.get().report_csv))[1] == [
        "5", "报警时间", "The reported time is missing.", "", "Rejected",
    ]  # fmt: skip


def test_a_gbk_csv_is_recognised_as_gbk(ledger, run_import, station):  # type: ignore[no-untyped-def]
    output = run_import(ledger("calls_gbk.csv"), "--commit")

    assert SUMMARY.format(4, 3, 0, 1, 1) in output
    g001 = Matter.objects.get(external_ref="G001")
    assert (g001.description, g001.category.label_zh) == ("夫妻吵架", "家庭纠纷")
    assert g001.parties.get().person.id_number == VALID_ID
    assert Matter.objects.get(external_ref="G004").address_text == ""  # a description is enough
    assert report_lines(Path(ImportJob.objects.get().report_csv))[1:] == [
        [
            "3",
            "联系电话",
            "Not a valid phone number: kept with the matter, not on the person.",
            "138-1234-567",
            "Warning",
        ],
        ["4", "警情编号", "The call number is missing.", "", "Rejected"],
    ]


def test_a_utf8_csv_with_a_bom_and_english_headers_keeps_unknown_columns_in_extra(ledger, run_import, station):  # type: ignore[no-untyped-def]
    output = run_import(ledger("calls_utf8_bom.csv"), "--commit")

    assert SUMMARY.format(2, 2, 0, 0, 1) in output
    e001, e002 = Matter.objects.order_by("external_ref")
    assert e001.reported_at == dt.datetime(2024, 7, 6, 20, 5, tzinfo=SHANGHAI)
    assert (e001.category.code, e001.kind, e001.extra) == ("0205", "dispute", {"Weather": "rain"})
    assert e001.parties.get().person.phone == "13812345678"
    assert (e002.category.code, e002.extra) == ("0104", {"ID number": "130181abc"})


def test_map_overrides_the_guess_and_unknown_fields_are_refused(ledger, run_import, station):  # type: ignore[no-untyped-def]
    path = ledger("calls_utf8_bom.csv")

    run_import(path, "--commit", "--map", "Weather=description", "--map", "Description=extra")

    assert Matter.objects.get(external_ref="E001").description == "rain"
    with pytest.raises(CommandError, match=re.escape("“colour” is not a field one can import into.")):
        run_import(path, "--map", "Weather=colour")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "The file is empty."),
        ("picture.csv", "This is not a spreadsheet: use an .xlsx, .xls or .csv file."),
        ("broken.xlsx", "This .xlsx file cannot be read: it is damaged or not a spreadsheet."),
        ("no_header.csv", "No header row found: none of the first 20 rows names at least two known columns"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_written(ledger, run_import, station, name, message):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match=re.escape(message)):
        run_import(ledger(name), "--commit")

    assert (Matter.objects.count(), ImportJob.objects.count()) == (0, 0)


def test_an_unknown_station_is_named(ledger, run_import, station):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    with pytest.raises(CommandError, match=re.escape("No station has the code “nowhere”.")):
        call_command("import_calls", str(ledger("calls_gbk.csv")), "--station", "nowhere")


def a_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["警情编号", "报警时间", "报警人", "身份证号", "简要警情"])
        writer.writerows(rows)
    return path


def test_an_id_number_on_record_under_another_name_keeps_the_person_and_warns(tmp_path, run_import, station):  # type: ignore[no-untyped-def]
    Person.objects.create(station=station, name="周某", id_number=VALID_ID)
    path = a_csv(
        tmp_path / "calls.csv",
        [
            ["N1", "2024/7/6 20:05", "张某", VALID_ID, "求助"],  # the number is 周某's
            ["N2", "2024/7/6 21:05", "周某", VALID_ID, "求助"],  # the same person
            ["N3", "2024/7/6 22:05", "王某", VALID_ID_LOWER_X, "求助"],  # new in this file…
            ["N4", "2024/7/6 23:05", "王小某", VALID_ID_LOWER_X, "求助"],  # …and named otherwise a row later
        ],
    )
    warning = "This ID number is on record as {}: the person keeps that name; the row's name is kept with the matter."

    dry = run_import(path)
    output = run_import(path, "--commit")

    for summary in (dry, output):
        assert SUMMARY.format(4, 4, 0, 0, 2) in summary
    assert report_lines(Path(ImportJob.objects.get().report_csv))[1:] == [
        ["2", "身份证号", warning.format("周某"), "张某", "Warning"],
        ["5", "身份证号", warning.format("王某"), "王小某", "Warning"],
    ]
    n1 = Matter.objects.get(external_ref="N1")
    assert n1.parties.get().person.name == "周某" and n1.extra == {"报警人": "张某"}
    assert Person.objects.filter(id_number=VALID_ID).count() == 1
    assert Matter.objects.get(external_ref="N2").extra == {}
