"""Normalising ledger values: full-width forms, phones, ID numbers and every way a time is written."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fengqiao.lib import normalize
from fengqiao.lib.normalize import SHANGHAI

ASCII_PRINTABLE = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
TIMES = st.datetimes(min_value=dt.datetime(1951, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
    lambda t: t.replace(microsecond=0)
)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in text)


@given(st.text(ASCII_PRINTABLE))
def test_full_width_ascii_comes_back_as_the_ascii_it_stands_for(text: str) -> None:
    assert normalize.halfwidth(full_width(text)) == text


@given(st.text())
def test_halfwidth_is_idempotent_and_keeps_the_length(text: str) -> None:
    once = normalize.halfwidth(text)
    assert normalize.halfwidth(once) == once
    assert len(once) == len(text)


def test_only_digits_and_letters_are_folded_in_prose() -> None:
    assert normalize.halfwidth_alnum("东港豪庭５号楼Ｂ座，３０１室：") == "东港豪庭5号楼B座，301室："


@given(MOBILES, st.sampled_from(["", "+86", "0086", "86", "+86 "]), st.sampled_from(["", " ", "-"]), st.booleans())
def test_a_mobile_written_any_usual_way_comes_back_as_its_eleven_digits(
    mobile: str, prefix: str, separator: str, wide: bool
) -> None:
    written = prefix + separator.join([mobile[:3], mobile[3:7], mobile[7:]])
    written = full_width(written) if wide else written
    assert normalize.phone(written) == mobile
    assert normalize.is_valid_phone(normalize.phone(written))


@pytest.mark.parametrize(
    ("written", "valid"),
    [
        ("0311-87654321", True),
        ("010 1234 5678", True),
        ("(0311)8765432", True),
        ("12345", False),
        ("110", False),
        ("1381234567", False),  # one digit short
        ("23812345678", False),
        ("03118765432100", False),
    ],
)
def test_landlines_need_their_area_code_and_short_numbers_are_invalid(written: str, valid: bool) -> None:
    assert normalize.is_valid_phone(normalize.phone(written)) is valid


def test_an_id_number_with_a_lower_case_x_and_full_width_digits_is_stored_upper_case_and_half_width() -> None:
    assert normalize.id_number(" " + full_width("13018119850300001") + "x ") == "13018119850300001X"


@given(TIMES)
def test_every_written_form_of_a_time_reads_as_that_time_in_shanghai(when: dt.datetime) -> None:
    expected = when.replace(second=0, tzinfo=SHANGHAI)
    forms = [
        f"{when.year}/{when.month}/{when.day} {when.hour}:{when.minute:02d}",
        f"{when:%Y-%m-%d %H:%M}:00",
        f"{when.year}年{when.month}月{when.day}日{when.hour}时{when.minute:02d}分",
        f"{when:%Y%m%d%H%M}00",
        full_width(f"{when:%Y-%m-%d %H:%M}"),
    ]
    assert [normalize.datetime(form) for form in forms] == [expected] * len(forms)


@given(TIMES)
def test_an_excel_serial_number_reads_as_the_time_to_the_second(when: dt.datetime) -> None:
    serial = (when - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    assert normalize.datetime(serial) == when.replace(tzinfo=SHANGHAI)


def test_cells_that_already_are_times_are_made_aware_in_shanghai() -> None:
    assert normalize.datetime(dt.datetime(2024, 7, 6, 20, 5)) == dt.datetime(2024, 7, 6, 20, 5, tzinfo=SHANGHAI)
    assert normalize.datetime(dt.date(2024, 7, 6)) == dt.datetime(2024, 7, 6, tzinfo=SHANGHAI)
    utc = dt.datetime(2024, 7, 6, 12, 5, tzinfo=dt.UTC)
    assert normalize.datetime(utc) == utc and normalize.datetime(utc).tzinfo == SHANGHAI  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["昨天晚上", "2024-13-01 10:00", "2024/2/30", "", "12", 3.5, None, True])
def test_what_is_not_a_time_is_none(value: object) -> None:
    assert normalize.datetime(value) is None


def test_matching_folds_traditional_full_width_and_spacing_but_the_text_itself_is_untouched() -> None:
    original = "鄰里 糾紛（Ａ）"
    assert normalize.match_key(original) == normalize.match_key("邻里纠纷a")
    assert original == "鄰里 糾紛（Ａ）"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(115.215, Decimal("115.215")), ("３７.９５", Decimal("37.95")), ("东经115", None), (None, None), ("nan", None)],
)
def test_coordinates_are_read_as_decimals(value: object, expected: Decimal | None) -> None:
    assert normalize.decimal(value) == expected


def test_numbers_from_cells_lose_a_spurious_decimal_point() -> None:
    assert normalize.cell_text(13812345678.0) == "13812345678"
    assert normalize.cell_text(None) == ""
