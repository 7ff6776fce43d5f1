"""Service language (R-LANG): a reply or resolution text is checked against the negative phrases the rules
forbid, and the approved alternatives are suggested — a help, never a block."""

import re
from dataclasses import dataclass

# (phrase, suggestion, rule). Longer phrases first so "我不能" is reported once, not also as "不".
PHRASES: list[tuple[str, str, str]] = [
    ("这不是我应该做的", "我很愿意为您做", "R-LANG-04"),
    ("我想我做不了", "告诉业户我们能做什么,并表示很愿意帮忙", "R-LANG-05"),
    ("不是我管的", "我帮您联系负责的部门", "R-LANG-07"),
    ("我不能", "看看我们能够帮您做什么", "R-LANG-02"),
    ("我不会做", "我们来想办法 / 我请同事协助您", "R-LANG-03"),
    ("我不会", "我们来想办法 / 我请同事协助您", "R-LANG-01"),
    ("我不愿意", "我很愿意为您做", "R-LANG-01"),
    ("我不可", "看看我们能够帮您做什么", "R-LANG-01"),
    ("不知道", "我马上为您查询,稍后答复您", "R-LANG-07"),
    ("不可以", "因为……,我们可以这样为您安排……", "R-LANG-07"),
    ("不可能", "我们会尽力为您争取", "R-LANG-07"),
    ("不行", "因为……,我们可以这样为您安排……", "R-LANG-07"),
    ("不对", "我理解您的意思,我再为您核实一下", "R-LANG-07"),
    ("不懂", "请您再说一遍,好吗?", "R-LANG-07"),
    ("真的吗", "我明白了", "R-LANG-07"),
    ("但是", "因为……(说明原因)", "R-LANG-06"),
    ("可是", "因为……(说明原因)", "R-LANG-07"),
    ("不过", "因为……(说明原因)", "R-LANG-07"),
]


@dataclass(frozen=True)
class Finding:
    phrase: str
    start: int
    suggestion: str
    rule: str


_PATTERN = re.compile("|".join(re.escape(p) for p, _, _ in PHRASES))
_BY_PHRASE = {p: (s, r) for p, s, r in PHRASES}


def check_text(text: str) -> list[Finding]:
    """Every forbidden phrase in `text` with where it is and what to say instead."""
    out = []
    for m in _PATTERN.finditer(text or ""):
        suggestion, rule = _BY_PHRASE[m.group(0)]
        out.append(Finding(m.group(0), m.start(), suggestion, rule))
    return out


# R-LANG-13: standard complaint-handling phrases, offered to the clerk while writing.
STANDARD_PHRASES = [
    "您好!请问我们能为您做些什么?",
    "非常感谢您对我们提出宝贵的建议/意见",
    "我们会及时把处理结果通知您",
    "您是否对处理结果感到满意",
    "您是否还有什么要求",
    "有什么可以帮忙",
]
