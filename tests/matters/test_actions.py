"""Follow-up actions and their attachments: checked before anything is written, stored outside the database."""

import hashlib
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fengqiao.lib.errors import DomainError
from fengqiao.matters.domain.actions import ActionInput, add_action
from fengqiao.matters.models import Attachment, FollowUpAction, Stage


def png_bytes() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"  # noqa: E501
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def files_on_disk(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def a_visit(*files: SimpleUploadedFile) -> ActionInput:
    return ActionInput(kind="visit", note="上门走访，协调物业恢复供水", files=files)


def test_an_inquiry_record_and_a_photo_are_stored_on_disk_with_their_checksums(officer, matter, settings):  # type: ignore[no-untyped-def]
    photo, record = png_bytes(), PDF

    action = add_action(
        matter,
        officer,
        a_visit(
            SimpleUploadedFile("现场照片.png", photo, content_type="image/png"),
            SimpleUploadedFile("询问笔录.pdf", record, content_type="application/pdf"),
        ),
    )

    stored = {a.original_name: a for a in action.attachments.all()}
    assert {name: (a.content_type, a.size, a.sha256) for name, a in stored.items()} == {
        "现场照片.png": ("image/png", len(photo), hashlib.sha256(photo).hexdigest()),
        "询问笔录.pdf": ("application/pdf", len(record), hashlib.sha256(record).hexdigest()),
    }
    media = Path(settings.MEDIA_ROOT)
    for name, content in (("现场照片.png", photo), ("询问笔录.pdf", record)):
        path = media / stored[name].file.name
        assert path.read_bytes() == content
        assert path.name == hashlib.sha256(content).hexdigest()  # the name the user gave stays in the row only
    assert (action.matter, action.actor, action.kind) == (matter, officer, "visit")
    assert action.note == "上门走访，协调物业恢复供水"


def test_a_file_over_the_size_limit_is_refused_by_name_and_nothing_is_written(officer, matter, settings):  # type: ignore[no-untyped-def]
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("监控录像.png", png_bytes() + b"\x00" * (1024 * 1024), content_type="image/png")

    with pytest.raises(DomainError) as refused:
        add_action(matter, officer, a_visit(big))

    assert (refused.value.code, refused.value.field) == ("too_large", "files")
    assert refused.value.message == "“监控录像.png” is larger than 1 MB."
    assert not FollowUpAction.objects.exists() and not Attachment.objects.exists()
    assert files_on_disk(Path(settings.MEDIA_ROOT)) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [("setup.exe", EXE), ("证明材料.pdf", b"this is plain text pretending to be a PDF\n"), ("笔录.pdf", EXE)],
)
def test_a_file_of_the_wrong_type_is_refused_by_name_and_nothing_is_written(  # type: ignore[no-untyped-def]
    officer, matter, settings, name, content
):
    good = SimpleUploadedFile("现场照片.png", png_bytes(), content_type="image/png")
    bad = SimpleUploadedFile(name, content, content_type="application/pdf")

    with pytest.raises(DomainError) as refused:
        add_action(matter, officer, a_visit(good, bad))

    assert (refused.value.code, refused.value.field) == ("bad_type", "files")
    assert refused.value.message == f"“{name}” is not a photo, PDF, Word or Excel file."
    assert not FollowUpAction.objects.exists() and not Attachment.objects.exists()
    assert files_on_disk(Path(settings.MEDIA_ROOT)) == []


def test_an_empty_file_is_refused_by_name(officer, matter):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match=re.escape("“空白.pdf” is empty.")):
        add_action(matter, officer, a_visit(SimpleUploadedFile("空白.pdf", b"")))
    assert not FollowUpAction.objects.exists()


def test_an_action_on_a_closed_matter_is_refused(officer, matter, walk, settings):  # type: ignore[no-untyped-def]
    walk(matter, Stage.ARCHIVED)  # archived by the chief while the officer still had the matter open on screen
    assert matter.stage == "registered"  # the officer's copy is stale

    with pytest.raises(DomainError) as refused:
        add_action(matter, officer, a_visit(SimpleUploadedFile("照片.png", png_bytes())))

    assert (refused.value.code, refused.value.status) == ("closed", 409)
    assert refused.value.message == "This matter is closed; reopen it before recording actions."
    assert not FollowUpAction.objects.exists()
    assert files_on_disk(Path(settings.MEDIA_ROOT)) == []


def test_an_action_on_a_matter_closed_and_reloaded_is_refused(officer, matter, walk):  # type: ignore[no-untyped-def]
    closed = walk(matter, Stage.REJECTED)
    with pytest.raises(DomainError, match="This matter is closed"):
        add_action(closed, officer, ActionInput(kind="note", note="补充情况"))
    assert not FollowUpAction.objects.exists()


def test_only_the_stations_police_record_actions(matter, mediator, other_chief):  # type: ignore[no-untyped-def]
    for outsider in (mediator, other_chief):
        with pytest.raises(DomainError, match=re.escape("You may not record actions on this matter.")):
            add_action(matter, outsider, ActionInput(kind="note", note="看一眼"))
    assert not FollowUpAction.objects.exists()


def test_an_action_says_what_was_done(officer, matter):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        add_action(matter, officer, ActionInput(kind="visit", note="  "))
    assert (refused.value.field, refused.value.message) == ("note", "Say what was done.")


def test_files_of_an_action_that_fails_to_save_are_not_left_on_disk(officer, matter, settings, monkeypatch):  # type: ignore[no-untyped-def]
    from django.db import DatabaseError

    from fengqiao.matters.domain import actions

    def failing(matter: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(actions, "refresh_search_doc", failing)  # fails after the files and rows are written
    with pytest.raises(DatabaseError):
        add_action(matter, officer, a_visit(SimpleUploadedFile("询问笔录.pdf", PDF, content_type="application/pdf")))

    assert not FollowUpAction.objects.exists() and not Attachment.objects.exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
