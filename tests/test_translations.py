"""The zh-hans catalogue is complete and the committed .mo says what the .po says.

After `makemessages`, a new English string is an untranslated entry here, and a changed one a fuzzy entry: both
would show English (or a stale guess) on a Chinese page, so both fail this test until translated.
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "fengqiao" / "locale" / "zh_Hans" / "LC_MESSAGES"


def key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def test_every_string_of_the_catalogue_is_translated() -> None:
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_matches_its_source() -> None:
    source = {key(e): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(LOCALE / "django.po")).translated_entries()}
    compiled = {key(e): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(LOCALE / "django.mo")) if e.msgid}
    assert compiled == source
