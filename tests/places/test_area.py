"""A station's area: read from its area text until divisions are configured."""

import pytest

from fengqiao.lib.errors import DomainError
from fengqiao.places import gazetteer
from fengqiao.places.area import configure_area, infer_area, station_area
from fengqiao.places.models import StationArea
from fengqiao.stations.models import Station


@pytest.mark.parametrize(
    ("text", "divisions"),
    [
        ("辛集、晋州、深泽", ["深泽县", "辛集市", "晋州市"]),
        ("泊头市泊镇", ["泊镇"]),  # the town, not the whole of 泊头市
        ("邢衡高速冀州段", ["冀州区"]),
        ("", []),
    ],
)
def test_the_demo_area_texts_name_their_divisions(text: str, divisions: list[str]) -> None:
    assert [d.label for d in infer_area(text, gazetteer.default())] == divisions


def test_configured_divisions_replace_the_area_text(lucheng: Station) -> None:
    configure_area(lucheng, ["130181", "130183"])

    assert [d.label for d in station_area(lucheng)] == ["辛集市", "晋州市"]
    assert list(StationArea.objects.values_list("name", flat=True)) == ["辛集市", "晋州市"]


def test_an_unknown_division_code_refuses_the_whole_change(lucheng: Station) -> None:
    configure_area(lucheng, ["130181"])

    with pytest.raises(DomainError) as refused:
        configure_area(lucheng, ["130183", "139999"])

    assert refused.value.message == "“139999” is not a division code of the gazetteer."
    assert list(StationArea.objects.values_list("code", flat=True)) == ["130181"]
