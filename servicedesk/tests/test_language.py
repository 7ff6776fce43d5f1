"""Service language (R-LANG): the negative phrases found in a draft with what to say instead, and the
phrasebook (服务用语) shown beside the reply forms, on its own page and through the API."""

import pytest

from core.testing.i18n import english
from servicedesk.language import PHRASEBOOK, check_text, phrase_groups


def _found(text):
    return [(f.phrase, f.rule) for f in check_text(text)]


# R-LANG-01
@pytest.mark.parametrize("phrase", ["我不会", "我不愿意", "我不可"])
def test_the_negative_openings_are_flagged(phrase):
    assert _found(f"这个{phrase}帮您办。") == [(phrase, "R-LANG-01")]


# R-LANG-03
def test_i_wont_do_it_is_flagged_once_as_its_own_rule():
    found = check_text("这个我不会做。")
    assert [(f.phrase, f.rule) for f in found] == [("我不会做", "R-LANG-03")]
    assert found[0].start == 2


# R-LANG-04, R-LANG-05
def test_the_rules_own_alternatives_are_suggested():
    found = check_text("这不是我应该做的。我想我做不了。")
    assert [(f.phrase, f.rule) for f in found] == [
        ("这不是我应该做的", "R-LANG-04"),
        ("我想我做不了", "R-LANG-05"),
    ]
    assert found[0].suggestion == "我很愿意为您做"
    assert "很愿意帮忙" in found[1].suggestion and "能做什么" in found[1].suggestion


# R-LANG-01, R-LANG-07
def test_polite_text_passes_and_a_longer_phrase_is_not_reported_twice():
    assert check_text("您好!请问我们能为您做些什么?") == []
    assert _found("这不是我管的") == [("不是我管的", "R-LANG-07")]


# R-LANG-08, R-LANG-10, R-LANG-11, R-LANG-12, R-LANG-13
def test_the_phrasebook_holds_every_phrase_list_of_the_rules():
    by_rule = {}
    for g in PHRASEBOOK:
        by_rule.setdefault(g.rule, []).extend(g.phrases)
    polite = {str(g.label) for g in PHRASEBOOK if g.rule == "R-LANG-08"}
    assert polite == {
        "称呼语",
        "欢迎语",
        "问候语",
        "祝贺语",
        "道歉语",
        "告别语",
        "道谢语",
        "答应语",
        "征询语",
    }
    assert {
        "阿姨",
        "欢迎光临!",
        "午安",
        "生日快乐!",
        "失礼了",
        "欢迎下次光临!",
        "非常感谢!",
        "没关系",
    } <= set(by_rule["R-LANG-08"])
    assert any("能否代劳" in p and "请稍后" in p for p in by_rule["R-LANG-09/10"])
    assert by_rule["R-LANG-11"] == ["对不起,请您说慢一点。", "对不起,请您再说一遍,好吗?"]
    assert by_rule["R-LANG-12"] == ["谢谢您的称赞,这是我应该做的事情。"]
    assert "您是否对处理结果感到满意" in by_rule["R-LANG-13"]
    # The "say instead" list is the checker's own table: every flagged phrase of R-LANG-01..06 is in it.
    instead = next(g for g in PHRASEBOOK if g.key == "instead").phrases
    assert "不说「我不能」→ 看看我们能够帮您做什么" in instead
    assert len({g.key for g in PHRASEBOOK}) == len(PHRASEBOOK)


# R-LANG-08, R-LANG-11, R-LANG-12, R-LANG-13
def test_phrasebook_page_and_its_draft_check(world, client, client_as):
    assert client.get("/servicedesk/phrases/").status_code == 302
    c = client_as(world.frontdesk)
    body = c.get("/servicedesk/phrases/").content.decode()
    for text in (
        "服务用语",
        "称呼语",
        "征询语",
        "请您……好吗?",
        "对不起,请您说慢一点。",
        "谢谢您的称赞",
        "R-LANG-13",
    ):
        assert text in body
    assert 'href="/servicedesk/phrases/"' in body  # in the menu
    hint = c.post("/servicedesk/language-check/", {"text": "我不会做这个"}).content.decode()
    assert "我不会做" in hint and "R-LANG-03" in hint


# R-LANG-11, R-LANG-12, R-LANG-13
def test_reply_forms_show_the_phrases_for_writing(world, client_as, consultation):
    c = client_as(world.frontdesk)
    form = c.get(f"/servicedesk/{consultation.pk}/?form=note").content.decode()
    assert "我们会及时把处理结果通知您" in form and "对不起,请您再说一遍,好吗?" in form
    assert "谢谢您的称赞,这是我应该做的事情。" in form and 'href="/servicedesk/phrases/"' in form
    assert "称呼语" not in form  # the page has the whole book; the form only what is said while answering


# R-LANG-08
def test_phrasebook_in_english_keeps_the_phrases_and_translates_the_headings(world, client_as):
    body = english(client_as(world.frontdesk)).get("/servicedesk/phrases/").content.decode()
    assert "Forms of address" in body and "Service phrases" in body
    assert "称呼语" not in body and "欢迎光临!" in body


# R-LANG-01..13: the API twin
def test_phrasebook_api(world, api_as, client):
    data = api_as(world.frontdesk).get("/api/v1/phrases/").json()
    assert [g["key"] for g in data] == [g.key for g in phrase_groups()]
    praise = next(g for g in data if g["rule"] == "R-LANG-12")
    assert praise["phrases"] == ["谢谢您的称赞,这是我应该做的事情。"] and praise["label"] == "业户称赞服务时"
    assert client.get("/api/v1/phrases/").status_code in (401, 403)
