"""GB 11643-1999 resident ID numbers: the checksum, the birth date, and regions that no longer exist."""

import datetime as dt

from hypothesis import assume, given
from hypothesis import strategies as st

from fengqiao.lib.idnumber import birth_date, check_char, is_valid, normalize

DIGITS = "0123456789"
WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # the standard's weights, derived here independently
regions = st.text(DIGITS, min_size=6, max_size=6)
births = st.dates(min_value=dt.date(1880, 1, 1), max_value=dt.date.today())
sequences = st.text(DIGITS, min_size=3, max_size=3)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    first17 = draw(regions) + draw(births).strftime("%Y%m%d") + draw(sequences)
    return first17 + check_char(first17)


@given(id_numbers())
def test_any_region_birth_date_and_sequence_with_its_check_character_is_valid(number: str) -> None:
    assert is_valid(number)
    assert birth_date(number) == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


@given(id_numbers(), st.integers(0, 17), st.sampled_from(DIGITS + "X"))
def test_changing_any_one_character_makes_it_invalid(number: str, position: int, replacement: str) -> None:
    assume(replacement != number[position])
    assume(position == 17 or replacement != "X")  # X stands only in the last place
    changed = number[:position] + replacement + number[position + 1 :]
    assert not is_valid(changed)


@st.composite
def id_numbers_ending_in_x(draw: st.DrawFn) -> str:
    """The sequence's last digit is chosen so that the check character is X (a sum ≡ 2 mod 11)."""
    first16 = draw(regions) + draw(births).strftime("%Y%m%d") + draw(st.text(DIGITS, min_size=2, max_size=2))
    partial = sum(int(digit) * weight for digit, weight in zip(first16, WEIGHTS, strict=False))
    last = (2 - partial) * 6 % 11  # 6 is the inverse of the last weight, 2, modulo 11
    assume(last < 10)
    return first16 + str(last) + "X"


@given(id_numbers_ending_in_x())
def test_a_lower_case_x_is_accepted(number: str) -> None:
    assert check_char(number[:17]) == "X"
    assert is_valid(number.lower())
    assert normalize(" " + number.lower() + " ") == number


@given(id_numbers(), st.integers(0, 16))
def test_full_width_digits_are_refused(number: str, position: int) -> None:
    full_width = chr(ord(number[position]) + 0xFEE0)
    assert not is_valid(number[:position] + full_width + number[position + 1 :])


def test_a_real_example_is_valid() -> None:
    assert is_valid("11010519491231002X")
    assert birth_date("11010519491231002X") == dt.date(1949, 12, 31)


def test_numbers_from_regions_that_no_longer_exist_stay_valid() -> None:
    assert is_valid("130181199001011232")  # 辛集市
    assert is_valid("132201196503151237")  # the former 衡水地区, merged away in 1996; the number is for life


def test_impossible_birth_dates_are_refused() -> None:
    for first17 in ("11010519490230002", "11010518790101002", f"110105{dt.date.today().year + 1}0101002"):
        assert not is_valid(first17 + check_char(first17)), first17


def test_malformed_numbers_are_refused() -> None:
    for value in ("", "11010519491231002", "1101051949123100200", "11010519491231002Y", "X10105194912310021"):
        assert not is_valid(value), value
