"""Japanese text normalisation: the same at write time and at query time."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_KATAKANA_START, _KATAKANA_END = ord("ァ"), ord("ヶ")
_SHIFT = ord("ぁ") - ord("ァ")


def normalise(text: str | None) -> str:
    """NFKC (full/half width folded), spaces collapsed, trimmed."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def fold_kana(text: str | None) -> str:
    """For フリガナ search: NFKC, katakana → hiragana, no spaces, lower case.

    ｱｵﾊﾞ, アオバ and あおば all fold to あおば.
    """
    text = normalise(text).lower()
    out = []
    for ch in text:
        code = ord(ch)
        if _KATAKANA_START <= code <= _KATAKANA_END:
            ch = chr(code + _SHIFT)
        out.append(ch)
    return "".join(out).replace(" ", "").replace("・", "")
