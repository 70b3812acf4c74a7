"""Risk signs in a matter's text: the level, and an explanation naming the phrase, the rule and its weight."""

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from fengqiao.analysis.models import RiskAssessment, RiskLevel, RiskRule, RuleKind
from fengqiao.analysis.risk import assess, latest_assessment, load_lexicon, record_assessment


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted against their English msgids; the zh-hans wording belongs to the catalogue."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _shipped_lexicon(db) -> None:  # type: ignore[no-untyped-def]
    """The data migration loads the lexicon; a transactional test elsewhere may have flushed it since."""
    if not RiskRule.objects.exists():
        load_lexicon()


def counted(text: str) -> list[tuple[str, str, str, int]]:
    """(phrase as written, category, pattern, weight) of every hit that adds to the score."""
    return [(h.phrase, h.category, h.pattern, h.weight) for h in assess(text).hits if h.counted]


def test_lao_lis_threat_to_whoever_comes_for_the_flat_is_high(db) -> None:  # type: ignore[no-untyped-def]
    result = assess("老李说房子是他的，谁来收房就让他好看。")

    assert result.level == RiskLevel.HIGH
    assert counted("老李说房子是他的，谁来收房就让他好看。") == [
        ("让他好看", "violence", "让(你|他|她|你们|他们)(全家)?好看", 10)
    ]
    assert (
        result.hits[0].describe()
        == "“让他好看” matches the Threat of violence rule “让(你|他|她|你们|他们)(全家)?好看” (weight 10)."
    )


@pytest.mark.parametrize(
    ("text", "phrase", "category", "pattern"),
    [
        ("张某扬言要弄死楼下的刘某", "弄死", "violence", "弄死"),
        ("来电要求她把存款转到所谓的安全账户", "安全账户", "fraud", "安全账户"),
        ("王女士7岁的孩子在港口医院走失了", "孩子…走失", "vulnerable", None),
        ("一名女子站在大桥护栏外，说自己不想活了", "不想活", "self_harm", "不想活"),
    ],
)
def test_each_category_is_detected_on_a_clear_example(db, text, phrase, category, pattern) -> None:  # type: ignore[no-untyped-def]
    result = assess(text)

    top = result.hits[0]
    assert (result.level, top.phrase, top.category) == (RiskLevel.HIGH, phrase, category)
    assert category in result.categories
    if pattern is not None:
        assert top.pattern == pattern


def test_a_denied_threat_does_not_count(db) -> None:  # type: ignore[no-untyped-def]
    result = assess("对方没有威胁我，就是在门口骂了几句。")

    assert result.level == RiskLevel.NONE
    assert [(h.phrase, h.negated) for h in result.hits] == [("威胁", True)]
    assert result.hits[0].describe().endswith("but is negated, so it does not count.")


def test_a_transfer_that_did_not_happen_cancels_the_investment_and_transfer_sign(db) -> None:  # type: ignore[no-untyped-def]
    result = assess("他劝我投资理财，但我并未转账。")

    cooccur = next(h for h in result.hits if h.kind == RuleKind.COOCCUR)
    assert (cooccur.phrase, cooccur.negated) == ("投资…转账", True)
    assert result.level == RiskLevel.LOW  # 投资 and 理财 alone are weak signs


def test_a_phrase_containing_bu_is_not_cancelled_by_a_negator_before_it(db) -> None:  # type: ignore[no-untyped-def]
    assert assess("没有不让他好过").level == RiskLevel.HIGH
    assert assess("没有让他好看").level == RiskLevel.NONE


def test_prevention_wording_is_not_a_fraud_in_progress(db) -> None:  # type: ignore[no-untyped-def]
    assert assess("民警在微信群提醒居民防范电信诈骗，谨防刷单。").level == RiskLevel.NONE


def test_traditional_characters_are_folded_before_matching(db) -> None:  # type: ignore[no-untyped-def]
    result = assess("對方讓我投資理財，又讓我馬上轉賬")

    assert result.level == RiskLevel.HIGH
    assert counted("對方讓我投資理財，又讓我馬上轉賬")[0] == ("投資…轉賬", "fraud", "投资|理财+转账|汇款|打款", 10)


def test_a_word_inside_a_longer_token_is_found(db) -> None:  # type: ignore[no-untyped-def]
    # rjieba cuts 放火烧 as one token; the 放火 rule must still fire.
    assert ("放火", "violence", "放火", 8) in counted("有人扬言放火烧了工棚")


def test_a_sign_inside_a_stronger_one_is_counted_once(db) -> None:  # type: ignore[no-untyped-def]
    result = assess("对方冒充公检法打来电话")

    assert result.score == 10
    assert [(h.phrase, h.subsumed) for h in result.hits] == [("冒充公检法", False), ("公检法", True)]


def test_weak_signs_add_up(db) -> None:  # type: ignore[no-untyped-def]
    assert assess("一位老人到警务室咨询").level == RiskLevel.LOW
    assert assess("居民反映邻居家里住着一位瘫痪在床的老人").level == RiskLevel.MEDIUM


def test_a_benign_matter_has_no_risk_sign(db) -> None:  # type: ignore[no-untyped-def]
    result = assess("北京游客王女士在主题乐园丢失一个双肩包，内有身份证，次日14时要乘火车返京。")

    assert (result.level, result.score, result.hits) == (RiskLevel.NONE, 0, ())


def test_editing_a_rules_weight_in_the_database_changes_the_level(db) -> None:  # type: ignore[no-untyped-def]
    text = "王某放话说一定要报复承包商"
    assert assess(text).level == RiskLevel.MEDIUM

    rule = RiskRule.objects.get(pattern="报复")
    rule.weight = 10
    rule.save()
    assert assess(text).level == RiskLevel.HIGH

    rule.active = False
    rule.save()
    assert assess(text).level == RiskLevel.NONE


def test_the_lexicon_version_changes_with_the_rules(db) -> None:  # type: ignore[no-untyped-def]
    before = assess("让他好看").lexicon_version
    RiskRule.objects.filter(pattern="弄死").update(weight=9)

    assert assess("让他好看").lexicon_version != before


def test_an_invalid_regular_expression_is_refused_when_a_station_edits_a_rule(db) -> None:  # type: ignore[no-untyped-def]
    rule = RiskRule(category="violence", kind=RuleKind.REGEX, pattern="让(他好看", weight=10)

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "The regular expression is invalid" in refused.value.message_dict["pattern"][0]


def test_a_cooccurrence_rule_needs_two_parts(db) -> None:  # type: ignore[no-untyped-def]
    rule = RiskRule(category="fraud", kind=RuleKind.COOCCUR, pattern="投资", weight=10)

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "at least two words joined by “+”" in refused.value.message_dict["pattern"][0]


def test_a_matters_assessment_is_stored_with_its_explanations(make_matter) -> None:  # type: ignore[no-untyped-def]
    matter = make_matter(description="老李反映家中没水没电，称谁来收房就让他好看")
    before = RiskAssessment.objects.filter(matter=matter).count()  # registration may already assess it

    record_assessment(matter)

    stored = latest_assessment(matter.pk)
    assert stored is not None
    assert (stored.level, stored.score) == (RiskLevel.HIGH, 10)
    assert stored.explanations[0]["phrase"] == "让他好看"
    assert stored.explanations[0]["counted"] is True
    assert stored.lexicon_version == assess("").lexicon_version
    assert RiskAssessment.objects.filter(matter=matter).count() == before + 1


def test_the_chief_edits_a_weight_in_the_admin(client, chief) -> None:  # type: ignore[no-untyped-def]
    chief.is_staff = chief.is_superuser = True
    chief.save()
    client.force_login(chief)
    rule = RiskRule.objects.get(pattern="报复")

    page = client.get(f"/admin/analysis/riskrule/{rule.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert "报复" in page.content.decode()
    data = {"category": rule.category, "kind": "regex", "pattern": "报复(", "weight": 7, "note": "", "active": "on"}
    refused = client.post(f"/admin/analysis/riskrule/{rule.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert "The regular expression is invalid" in refused.content.decode()

    client.post(f"/admin/analysis/riskrule/{rule.pk}/change/", {**data, "kind": "word", "pattern": "报复"})
    rule.refresh_from_db()
    assert rule.weight == 7
