"""Must show, in Debian chromium: a phone complaint recorded at the desk, judged 成立, assigned, two proposals
drafted and one approved with an instruction, the complainant answered the same day, handled, called back on
day 3 with 不满意 — 不合格, escalated, the complaint reopened — and the request page's timeline and clocks.

Time: the live server runs in this process, so `django.utils.timezone.now` is moved the way the callbacks
tests move it (a monkeypatched clock, no freezegun); it keeps ticking in real time from where it is set.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from callbacks.models import Callback
from complaints import services as complaint_services
from complaints.models import Complaint
from core import deadlines
from core.models import Deadline, Department, Notification
from core.testing.browser import in_order, local, login, moving_clock, ok, open_forms, timeline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock(monkeypatch):
    return moving_clock(monkeypatch)


def form(page, action):
    open_forms(page)
    return page.locator(f"form[action='{action}']")


def clocks(page):
    rows = page.locator("section.card:has(h2:text-is('时限')) tbody tr")
    out = {}
    for r in rows.all():
        label, due, state = (c.strip() for c in r.locator("td").all_inner_texts())
        out.setdefault(label.split(" ", 1)[-1], []).append((due, state))
    return out


# R-CMP-03, R-CMP-06, R-CMP-07, R-CMP-12, R-CMP-14, R-CMP-15, R-CMP-23, R-CMP-24, R-CMP-27, R-CMP-32,
# R-CB-11, R-CB-16, R-CB-17, R-CB-19, R-CB-20, R-LANG-07
def test_phone_complaint_to_day3_unsatisfied_callback_and_reopen(live_server, page, world, zhang, clock):
    base = live_server.url
    eng = Department.objects.get(property=world.p1, kind="eng")

    # Monday 09:30 — 陈前台 takes the call (《客户投诉登记表》).
    clock(local(2030, 1, 7, 9, 30))
    login(page, base, "frontdesk")
    page.goto(f"{base}/complaints/new/")
    assert page.locator("#id_received_at").input_value() == "2030-01-07T09:30"
    page.select_option("#id_channel", "phone")
    page.check("#id_apologised")  # R-CMP-06: first an apology
    page.locator("#id_unit_label").press_sequentially("3-1201")  # htmx looks the unit up as one types
    page.locator("#occupants button", has_text="张三").click()  # the occupant of 3-1201
    assert page.locator("#id_reporter_name").input_value() == "张三"
    page.select_option("#id_emotion", "angry")
    for step in ("hear", "ask", "record"):
        page.check(f"input[name=steps][value={step}]")
    page.fill("#id_title", "楼道灯坏了一周无人修")
    page.fill("#id_description", "3栋12楼楼道灯坏了一周,报修两次无人处理。")
    page.fill("#id_occurred_place", "3栋12楼电梯厅")
    page.fill("#id_demand", "今天修好")
    page.select_option("#id_basic_type", "quality")
    page.select_option("#id_analysis_category", "equipment")
    page.click("#intake button[type=submit]")
    page.wait_for_url("**/servicedesk/*/")
    c = Complaint.objects.select_related("request").get()
    pk, number = c.pk, c.request.number
    assert f"投诉已登记:{number}" in page.content()
    assert (c.request.channel, c.request.reporter, c.request.unit) == ("phone", zhang, world.u1)
    # 五清楚: the three steps of the call are ticked, 跟清楚/复清楚 still open.
    steps = page.locator("#complaint-panel .cmp-steps li")
    assert steps.filter(has_text="听清楚").first.get_attribute("class") == "done"
    assert steps.filter(has_text="复清楚").first.get_attribute("class") != "done"
    detail = f"{base}/servicedesk/{pk}/"

    # 09:40 — 李主管 judges it 成立, 工程部 responsible, assigned to 刘工, 7 working hours asked.
    clock(local(2030, 1, 7, 9, 40))
    login(page, base, "supervisor")
    page.goto(detail)
    judge = form(page, f"/complaints/{pk}/judge/")
    judge.locator("input[name=judgment][value=valid]").check()
    judge.locator("#cj_reason").fill("报修两次未处理,理由充分")
    judge.locator("#cj_definition").select_option("4")
    judge.locator("#cj_responsible_department").select_option(str(eng.pk))
    judge.locator("#cj_assignee").select_option(str(world.engineer.pk))
    judge.locator("#cj_investigation_hours").fill("7")
    judge.locator("button[type=submit]").click()
    ok(page, "已保存投诉判断")
    assert page.locator("h1 .badge").first.inner_text() == "调查中"

    # 10:00 — 张管理 drafts two handling proposals and submits them for the 批示.
    clock(local(2030, 1, 7, 10, 0))
    login(page, base, "admin1")
    page.goto(detail)
    for text in ("方案一:今天更换灯具", "方案二:整层线路检修"):
        propose = form(page, f"/complaints/{pk}/proposals/")
        propose.locator("#cp_text").fill(text)
        propose.locator("#cp_department").select_option(str(eng.pk))
        propose.locator("button[type=submit]").click()
        ok(page, "已添加方案")
    page.locator("form[action$='/transition/']:has(input[value=submit_proposals]) button").click()
    ok(page, "提交方案待批示")

    # 10:30 — 李主管 picks 方案一 and writes the instruction.
    clock(local(2030, 1, 7, 10, 30))
    login(page, base, "supervisor")
    page.goto(detail)
    first = page.locator(".cmp-proposal", has_text="方案一")
    first.locator("textarea[name=instruction]").fill("同意方案一,今日完成")
    first.get_by_role("button", name="选定并批示").click()
    ok(page, "已批示")
    assert "选定" in page.locator(".cmp-proposal.chosen").inner_text()

    # 11:00 — 陈前台 answers the complainant the same day (R-CMP-24); 但是 is flagged, never blocked.
    clock(local(2030, 1, 7, 11, 0))
    login(page, base, "frontdesk")
    page.goto(detail)
    assert "受理当日须主动答复投诉者" in page.content()
    reply = form(page, f"/complaints/{pk}/reply/")
    reply.locator("#cr_reply").fill("您好,已安排工程部今天更换灯具,但是需要您家里留人")
    reply.locator("#cr_reply").press("End")  # the clerk's keystrokes trigger the check
    hint = reply.locator(".lang-hints [role=status]")
    hint.wait_for()  # the service-language hint (R-LANG-07): 但是 flagged with its alternative
    assert "「但是」" in hint.inner_text()
    reply.locator("button[type=submit]").click()
    ok(page, "已记录答复")
    assert "受理当日须主动答复投诉者" not in page.content()

    # 14:00 — 张管理 starts the handling and records it done (已处理): the callback is scheduled.
    clock(local(2030, 1, 7, 14, 0))
    login(page, base, "admin1")
    page.goto(detail)
    page.locator("form[action$='/transition/']:has(input[value=start_handling]) button").click()
    ok(page, "开始处理")
    done = form(page, f"/complaints/{pk}/complete/")
    done.locator("#cc_resolution").fill("已更换LED灯具并试亮")
    done.locator("button[type=submit]").click()
    ok(page, "已处理完成")
    handled_at = Complaint.objects.get(pk=pk).handled_at
    cb = Callback.objects.get(request_id=pk)
    assert abs(cb.due_at - (handled_at + timedelta(days=3))) < timedelta(seconds=5)  # R-CB-11
    assert list(cb.callers.values_list("username", flat=True)) == ["admin1"]  # R-CB-16: with 客服

    # Thursday (day 3) 10:00 — 张管理 calls back from the call list: 不满意.
    clock(local(2030, 1, 10, 10, 0))
    login(page, base, "admin1")  # a new working day, a new session
    page.goto(f"{base}/callbacks/?mine=1")
    page.get_by_role("link", name=f"{number} 楼道灯坏了一周无人修").click()
    page.wait_for_url(f"**/callbacks/{cb.pk}/")
    page.get_by_role("button", name="发放回访记录表").click()
    ok(page, "回访记录表已发出")
    page.get_by_role("button", name="住户:不满意/一般").click()
    page.locator("#script-next li").first.wait_for()  # the not-satisfied branch of the script (R-CB-08)
    rec = form(page, f"/callbacks/{cb.pk}/record/")
    rec.locator("select[name=method]").select_option("phone")
    rec.locator("input[name=satisfaction][value=unsatisfied]").check()
    rec.locator("textarea[name=shortcomings]").fill("灯又坏了,只换了灯泡没查线路")
    rec.locator("input[name=resident_confirmed]").check()
    assert rec.locator("input[name=caller_signature]").input_value() == "张管理"
    rec.get_by_role("button", name="保存回访结果").click()
    ok(page, "已保存")
    assert "不满意" in page.locator("table.sheet").inner_text()

    # 10:30 — 赵管理 reviews the 《回访记录表》: 不满意 is 不合格, reported with a handling opinion.
    clock(local(2030, 1, 10, 10, 30))
    login(page, base, "admin2")
    page.goto(f"{base}/callbacks/{cb.pk}/")
    review = form(page, f"/callbacks/{cb.pk}/review/")
    review.locator("textarea[name=comment]").fill("已电话核实")
    review.get_by_role("button", name="审核").click()  # no opinion yet: refused, the form says why
    assert "处理意见" in page.locator(".error").first.inner_text()
    review = form(page, f"/callbacks/{cb.pk}/review/")
    review.locator("textarea[name=handling_opinion]").fill("请工程部检修整层线路")
    review.get_by_role("button", name="审核").click()
    ok(page, "已保存")
    assert "不合格已上报" in page.locator("h1").inner_text()
    assert Notification.objects.filter(
        recipient=world.supervisor, dedupe_key=f"callback-escalated-{cb.pk}"
    ).exists()

    # 11:00 — 李主管 decides: 重新处理 — the complaint is reopened.
    clock(local(2030, 1, 10, 11, 0))
    login(page, base, "supervisor")
    page.goto(f"{base}/callbacks/{cb.pk}/")
    decide = form(page, f"/callbacks/{cb.pk}/decide/")
    decide.locator("input[name=decision][value=reopen]").check()
    decide.locator("textarea[name=note]").fill("工程部重新检修线路")
    decide.get_by_role("button", name="确定").click()
    ok(page, "已保存")

    # The request page: reopened, every step on the timeline in order, the clocks right.
    page.goto(detail)
    head = page.locator("h1").inner_text()
    assert "调查中" in head and "重开次数 1" in head
    in_order(
        timeline(page),
        [
            ("01-07 09:30", "受理", "陈前台", "楼道灯坏了一周无人修"),
            ("01-07 09:30", "时限", "系统", "当日回复业户:01-07 23:59"),
            ("01-07 09:40", "状态变更", "李主管", "报修两次未处理"),  # 成立
            ("01-07 09:40", "派单", "李主管", "工程部 / 刘工"),
            ("01-07 09:40", "答复业户", "李主管", "7 个工作小时"),  # the investigation time asked
            ("01-07 09:40", "时限", "系统", "调查(请业户给予的时间):01-08 09:10"),
            ("01-07 10:00", "记录", "张管理", "方案一:今天更换灯具"),
            ("01-07 10:00", "记录", "张管理", "方案二:整层线路检修"),
            ("01-07 10:00", "状态变更", "张管理", "提交方案待批示"),
            ("01-07 10:30", "状态变更", "李主管", "批示:同意方案一"),
            ("01-07 11:00", "答复业户", "陈前台", "已安排工程部今天更换灯具"),
            ("01-07 14:00", "状态变更", "张管理", "开始处理"),
            ("01-07 14:00", "状态变更", "张管理", "已更换LED灯具并试亮"),  # 已处理
            ("01-07 14:00", "时限", "系统", "回访:01-10 14:00"),
            ("01-10 10:00", "记录", "张管理", "回访记录表已发给 张管理"),
            ("01-10 10:00", "业户评价", "张管理", "不满意"),
            ("01-10 10:30", "升级上报", "赵管理", "回访不合格,已上报客服主管。处理意见:请工程部检修整层线路"),
            ("01-10 11:00", "状态变更", "李主管", "回访不满意,重新处理:工程部重新检修线路"),  # reopened
            ("01-10 11:00", "时限", "系统", "一个月内解决(重开后):02-07 09:30"),
        ],
    )
    shown = clocks(page)
    assert shown["当日回复业户"] == [("01-07 23:59", "已完成 01-07 11:00")]  # R-CMP-24
    assert shown["调查(请业户给予的时间)"] == [("01-08 09:10", "已完成 01-07 14:00")]  # R-CMP-14, lunch
    instr_due = deadlines.Calendar(world.p1).add(
        local(2030, 1, 7, 10, 0), complaint_services.INSTRUCTION_WITHIN_HOURS * 3600
    )
    assert shown["主管批示"] == [(f"{timezone.localtime(instr_due):%m-%d %H:%M}", "已完成 01-07 10:30")]
    assert shown["回访"] == [("01-10 14:00", "已完成 01-10 10:00")]  # R-CB-11: day 3, in time
    # R-CMP-10: met when handled, running again after the reopen (one month from intake).
    assert shown["一个月内解决"] == [("02-07 09:30", "已完成 01-07 14:00")]
    assert shown["一个月内解决(重开后)"] == [("02-07 09:30", "计时中")]
    states = dict(
        Deadline.objects.filter(object_id=pk, kind__in=["reply_same_day", "callback"]).values_list(
            "kind", "state"
        )
    )
    assert states == {"reply_same_day": "met", "callback": "met"}
    cb.refresh_from_db()
    assert (cb.status, cb.unqualified, cb.decision) == ("closed", True, "reopen")
