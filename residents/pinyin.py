"""Search keys for Chinese names: full pinyin and initials, lowercase, no spaces (张三 → zhangsan, zs).

Services use the whole name (pypinyin's phrase dictionary picks the reading of polyphonic characters,
e.g. 单于 → chanyu). The bulk demo loader uses `keys_fast`, per character with a cache: same output for
ordinary names, and thousands of times faster for 150,000 rows.
"""

from functools import lru_cache

from pypinyin import lazy_pinyin


def _split_other(segment: str) -> list[str]:
    # Latin letters and digits in a company name stay, one token each: "ABC科技" → a b c ke ji.
    return [c for c in segment]


def _join(tokens: list[str]) -> tuple[str, str]:
    toks = ["".join(c for c in t.lower() if c.isalnum() and c.isascii()) for t in tokens]
    toks = [t for t in toks if t]
    return "".join(toks)[:300], "".join(t[0] for t in toks)[:100]


def name_keys(name: str) -> tuple[str, str]:
    """(name_pinyin, name_initials) of a name."""
    return _join(lazy_pinyin(name or "", errors=_split_other))


@lru_cache(maxsize=20000)
def _char(c: str) -> str:
    return lazy_pinyin(c, errors=_split_other)[0] if c.strip() else ""


def keys_fast(name: str) -> tuple[str, str]:
    return _join([_char(c) for c in name or ""])
