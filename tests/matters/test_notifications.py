"""Notifications are written only once the step is committed: a rolled-back step notifies nobody."""

import pytest
from django.db import transaction

from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain.transitions import Step, transition
from fengqiao.matters.models import Matter, Stage
from fengqiao.notifications.models import Notification


class Rollback(Exception):
    """Raised inside a transaction to undo it, as an error later in the same request would."""


def test_the_new_owner_is_notified_once_the_assignment_commits(  # type: ignore[no-untyped-def]
    chief, officer, matter, walk, django_capture_on_commit_callbacks
):
    walk(matter, Stage.ACCEPTED)

    with django_capture_on_commit_callbacks() as callbacks:
        transition(matter.pk, chief, Step(to="assigned", owner="zhao"))
        assert not Notification.objects.exists()  # not yet: the step has not committed

    assert callbacks, "the notification waits for the commit"
    for callback in callbacks:  # other apps (statistics) may queue their own after-commit work too
        callback()
    assert [(n.recipient, n.verb, n.matter, n.text) for n in Notification.objects.all()] == [
        (officer, "assigned", matter, str(Matter.objects.get(pk=matter.pk)))
    ]


def test_a_rolled_back_step_notifies_nobody_and_leaves_the_matter_as_it_was(  # type: ignore[no-untyped-def]
    chief, matter, walk, django_capture_on_commit_callbacks
):
    walk(matter, Stage.ACCEPTED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Rollback), transaction.atomic():
            transition(matter.pk, chief, Step(to="assigned", owner="zhao"))
            raise Rollback

    assert callbacks == []
    assert not Notification.objects.exists()
    assert Matter.objects.get(pk=matter.pk).stage == "accepted"


def test_a_refused_step_notifies_nobody(chief, matter, walk, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    walk(matter, Stage.ACCEPTED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError):
        transition(matter.pk, chief, Step(to="assigned", owner="nobody"))

    assert callbacks == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_with_real_commits_only_the_committed_assignment_notifies(  # type: ignore[no-untyped-def]
    reference_data, chief, officer, auxiliary, make_matter, walk
):
    kept = walk(make_matter(description="楼道灯坏了"), Stage.ACCEPTED)
    undone = walk(make_matter(description="门口有可疑车辆"), Stage.ACCEPTED)

    transition(kept.pk, chief, Step(to="assigned", owner="zhao"))
    with pytest.raises(Rollback), transaction.atomic():
        transition(undone.pk, chief, Step(to="assigned", owner="sun"))
        raise Rollback

    assert [(n.recipient, n.matter) for n in Notification.objects.filter(verb="assigned")] == [(officer, kept)]
    assert not auxiliary.notifications.exists()
    assert Matter.objects.get(pk=undone.pk).stage == "accepted"
