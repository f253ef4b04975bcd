"""Pinyin initials for search: 张三丰 → zsf. Cached, since names repeat a lot in a county."""

import functools


@functools.lru_cache(maxsize=200_000)
def initials(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="ignore", strict=False)
    return "".join(p[:1] for p in letters if p).lower()[:50]
