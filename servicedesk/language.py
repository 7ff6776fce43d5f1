"""Service language (R-LANG): a reply or resolution text is checked against the negative phrases the rules
forbid, and the approved alternatives are suggested — a help, never a block; and the phrasebook (服务用语) the
rules give, shown next to the forms where a clerk writes or speaks to a resident and on its own page.

The phrases are what is said to residents, so they stay in Chinese in every UI language; the group names
and hints are translated."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

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

# R-LANG-10: phone honorifics (电话敬语), also shown next to the phone log (errands).
PHONE_HONORIFICS = (
    "您、您好、请、劳驾、麻烦您、多谢您、可否、是否、能否代劳、有劳、效劳、拜托、谢谢、请稍后、对不起、再见"
)


@dataclass(frozen=True)
class PhraseGroup:
    key: str
    label: str
    rule: str
    phrases: tuple[str, ...]
    hint: str = ""


def _instead(*rules: str) -> tuple[str, ...]:
    """R-LANG-02..06: "not X, but Y", from the checker's own table (one list of phrases, not two)."""
    return tuple(f"不说「{p}」→ {s}" for p, s, r in PHRASES if r in rules)


PHRASEBOOK: tuple[PhraseGroup, ...] = (
    PhraseGroup(
        "complaint",
        _("投诉处理规范用语"),
        "R-LANG-13",
        tuple(STANDARD_PHRASES),
        _("受理、跟进和答复投诉时使用。"),
    ),
    PhraseGroup(
        "instead",
        _("换一种说法"),
        "R-LANG-01~06",
        _instead("R-LANG-01", "R-LANG-02", "R-LANG-03", "R-LANG-04", "R-LANG-05", "R-LANG-06"),
        _("避免否定用语;确实办不到时,说明原因(因为……),再告诉业户我们能做什么。"),
    ),
    PhraseGroup(
        "complaint-avoid",
        _("处理投诉时避免的用语"),
        "R-LANG-07",
        _instead("R-LANG-07"),
        _("答复稿中出现这些词时,系统会在输入框下方提示。"),
    ),
    PhraseGroup(
        "address", _("称呼语"), "R-LANG-08", ("小姐", "夫人", "太太", "先生", "同志", "大姐", "阿姨", "您好!")
    ),
    PhraseGroup("welcome", _("欢迎语"), "R-LANG-08", ("您来了", "欢迎光临!")),
    PhraseGroup(
        "greeting", _("问候语"), "R-LANG-08", ("早上好", "早安", "午安", "晚安", "下午好!", "晚上好!")
    ),
    PhraseGroup(
        "congratulate", _("祝贺语"), "R-LANG-08", ("节日愉快!", "圣诞快乐!", "新年快乐!", "生日快乐!")
    ),
    PhraseGroup("apology", _("道歉语"), "R-LANG-08", ("对不起", "请原谅", "打扰了", "失礼了")),
    PhraseGroup("farewell", _("告别语"), "R-LANG-08", ("再见!", "欢迎下次光临!")),
    PhraseGroup("thanks", _("道谢语"), "R-LANG-08", ("谢谢", "非常感谢!")),
    PhraseGroup(
        "answer",
        _("答应语"),
        "R-LANG-08",
        ("是的", "好的", "我明白了", "谢谢您的好意", "不客气", "没关系"),
    ),
    PhraseGroup("enquire", _("征询语"), "R-LANG-08", ("我能为您做什么吗?", "您喜欢……?", "请您……好吗?")),
    PhraseGroup(
        "phone",
        _("电话问候与敬语"),
        "R-LANG-09/10",
        (
            "您好,+ 管理处名称",
            "Good morning / Good afternoon / Good evening, Property office, may I help you?",
            PHONE_HONORIFICS,
        ),
        _("接听电话先问候并报管理处名称;英文问候按上午、下午、晚上选用。"),
    ),
    PhraseGroup(
        "unclear",
        _("业户说话太快或听不清时"),
        "R-LANG-11",
        ("对不起,请您说慢一点。", "对不起,请您再说一遍,好吗?"),
    ),
    PhraseGroup("praise", _("业户称赞服务时"), "R-LANG-12", ("谢谢您的称赞,这是我应该做的事情。",)),
)

# Shown beside a reply being written (the request page, the complaint panel): what is said while answering.
WRITING_GROUPS = ("complaint", "unclear", "praise")


def phrase_groups(keys: tuple[str, ...] | None = None) -> list[PhraseGroup]:
    return [g for g in PHRASEBOOK if keys is None or g.key in keys]
