from fengqiao.matters.models import Stage


def test_a_new_matter_is_registered_with_one_event(matter):  # type: ignore[no-untyped-def]
    assert matter.stage == Stage.REGISTERED
    assert [(e.from_stage, e.to_stage) for e in matter.events.all()] == [("", "registered")]
