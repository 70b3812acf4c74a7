"""`fengqiao load_lexicon [FILE]`: loading the risk lexicon is idempotent, and a bad file loads nothing."""

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from fengqiao.analysis.models import RiskRule
from fengqiao.analysis.risk import LEXICON_FILE, read_lexicon

HEADER = "category,pattern,weight,kind,note\n"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted against their English msgids; the zh-hans wording belongs to the catalogue."""
    with translation.override("en"):
        yield


def load(*args: object) -> str:
    out = StringIO()
    call_command("load_lexicon", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "lexicon.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_migration_loaded_every_rule_of_the_shipped_lexicon(db) -> None:  # type: ignore[no-untyped-def]
    assert RiskRule.objects.filter(active=True).count() == len(read_lexicon(LEXICON_FILE))


def test_loading_the_shipped_lexicon_again_changes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    rules = len(read_lexicon(LEXICON_FILE))

    assert load() == f"risk_lexicon.csv: 0 created, 0 updated, {rules} unchanged, 0 deactivated\n"
    assert load() == f"risk_lexicon.csv: 0 created, 0 updated, {rules} unchanged, 0 deactivated\n"
    assert RiskRule.objects.count() == rules


def test_a_stations_file_updates_weights_and_keeps_rules_added_in_the_admin(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    RiskRule.objects.create(category="fraud", kind="word", pattern="养老项目", weight=6)
    path = write(tmp_path, "violence,报复,9,word,raised by the station\nfraud,假理财,8,word,\n")

    assert load(str(path)) == "lexicon.csv: 1 created, 1 updated, 0 unchanged, 0 deactivated\n"
    assert RiskRule.objects.get(pattern="报复").weight == 9
    assert RiskRule.objects.get(pattern="养老项目").active


def test_replace_deactivates_rules_missing_from_the_file(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "violence,报复,6,word,\n")

    load(str(path), "--replace")

    assert list(RiskRule.objects.filter(active=True).values_list("pattern", flat=True)) == ["报复"]


def test_a_bad_file_names_each_row_and_problem_and_loads_nothing(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = RiskRule.objects.count()
    path = write(
        tmp_path,
        "fraud,新诈骗词,8,word,a good row\n"
        "violence,打人,8,phrase,\n"
        "fraud,刷单,high,word,\n"
        "violence,让(他好看,10,regex,\n"
        "self_harm,轻生,10,word,\n"
        "self_harm,轻生,8,word,\n",
    )

    with pytest.raises(CommandError) as refused:
        load(str(path))

    message = str(refused.value)
    assert message.startswith("Nothing was loaded. lexicon.csv: ")
    assert "line 3: unknown kind “phrase” (expected word, regex or cooccur)" in message
    assert "line 4: weight “high” is not a whole number from 1 to 100" in message
    assert (
        "line 5: pattern “让(他好看”: The regular expression is invalid: missing ), unterminated subpattern" in message
    )
    assert "line 7: same rule as line 6" in message
    assert RiskRule.objects.count() == before
    assert not RiskRule.objects.filter(pattern="新诈骗词").exists()


def test_a_file_without_the_required_columns_is_refused(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lexicon.csv"
    path.write_text("category,pattern\nviolence,打人\n", encoding="utf-8")

    with pytest.raises(CommandError, match="missing columns: weight, kind"):
        load(str(path))


def test_a_missing_file_is_named(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match=r"No such file: .*nowhere\.csv"):
        load(str(tmp_path / "nowhere.csv"))
