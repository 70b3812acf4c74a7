"""Chinese text helpers: folding traditional to simplified so that 投資 matches 投资."""

from functools import lru_cache

import zhconv


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Simplified, lower-case form used for matching only; the original text is always kept."""
    return zhconv.convert(text, "zh-hans").lower()
