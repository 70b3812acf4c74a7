"""Personal data is shown masked everywhere: the first and last digits only."""

from fengqiao.lib.masking import mask_id_number, mask_phone


def test_an_id_number_shows_its_first_and_last_four_digits() -> None:
    assert mask_id_number("130181199001011234") == "1301**********1234"
    assert mask_id_number("11010519491231002X") == "1101**********002X"


def test_a_mobile_number_shows_its_first_three_and_last_four_digits() -> None:
    assert mask_phone("13812345678") == "138****5678"


def test_short_values_give_nothing_away() -> None:
    assert mask_phone("110") == "*10"
    assert mask_phone("87654321") == "******21"
    assert mask_id_number("12345678") == "********"
    assert (mask_phone(""), mask_id_number("")) == ("", "")
