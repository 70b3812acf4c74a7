"""Address text as it is compared: half-width, simplified, no spaces or punctuation; numbers in Arabic digits."""

import re
import unicodedata
from functools import lru_cache

import cn2an  # type: ignore[import-untyped]

from fengqiao.lib.chinese import fold

# Separators people type between parts of an address; none of them carries meaning.
_NOISE = re.compile(r"[\s,，、。:：;；\"“”'‘’()（）\[\]【】<>《》]+")
CN_DIGITS = "零〇一二两三四五六七八九十百千"
_CN_NUMBER = re.compile(f"[{CN_DIGITS}]+")


def normalize(text: str) -> str:
    """NFKC turns full-width digits and letters (１２栋, Ａ座) into ASCII; fold turns 單元 into 单元."""
    return _NOISE.sub("", fold(unicodedata.normalize("NFKC", text)))


@lru_cache(maxsize=2048)
def number(value: str) -> str:
    """A building, unit or room number in Arabic digits: 十二 → 12, 五零一 → 501, 0501 → 501, A → a."""
    value = normalize(value)
    if _CN_NUMBER.fullmatch(value):
        try:
            return str(int(cn2an.cn2an(value, "smart")))
        except ValueError:
            return value
    return value.lstrip("0") or value
