"""Search documents: CJK text as overlapping bigrams, letters and digits as words, traditional folded."""

from fengqiao.lib.textsearch import document, query_tokens, tokens


def test_chinese_text_becomes_overlapping_pairs_of_characters() -> None:
    assert tokens("矛盾纠纷") == ["矛盾", "盾纠", "纠纷"]


def test_a_lone_character_stays_itself_and_words_are_lower_cased() -> None:
    assert tokens("李 Room 501") == ["李", "room", "501"]


def test_traditional_characters_are_folded_to_simplified() -> None:
    assert query_tokens("糾紛") == ["纠纷"]


def test_a_document_keeps_each_token_once() -> None:
    assert document("纠纷纠纷", "纠纷") == "纠纷 纷纠"
