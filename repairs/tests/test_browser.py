"""Must show, in Debian chromium: (a) a paid in-unit repair — intake, engineering notified, the order collected
and signed for, arrival, a part not on the price list priced and agreed by the resident before the work with
the 20% service fee on the page and on the printed 《工程维修单》, completion signed by the resident, the
customer-service confirmation; (b) an emergency leak — no paper first, engineering and the 客服主管 notified at
once (their notification centre), arrival within 5 minutes on the clock panel, photos, a loss record and the
《事故报告》 afterwards.

Time: the live server runs in this process, so `django.utils.timezone.now` is moved the way the callbacks
tests move it (a monkeypatched clock, no freezegun); it keeps ticking in real time from where it is set.
"""

import pytest
from django.utils import timezone

from callbacks.models import Callback
from core import deadlines
from core.models import Notification
from core.testing.browser import in_order, local, login, moving_clock, ok, open_forms, timeline
from repairs import services as repair_services
from repairs.models import LossRecord, RepairOrder
from servicedesk.models import ServiceRequest

from .conftest import tiny_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hm(dt) -> str:
    return f"{timezone.localtime(dt):%m-%d %H:%M}"


@pytest.fixture
def clock(monkeypatch):
    return moving_clock(monkeypatch)


def step(page, name):
    open_forms(page)
    return page.locator(f"form#step-{name}")


def submit(page, name):
    step(page, name).get_by_role("button", name="提交").click()
    ok(page, "已保存")


def clocks(page):
    rows = page.locator("section.card:has(h2:text-is('时限')) tbody tr")
    out = {}
    for r in rows.all():
        label, due, state = (c.strip() for c in r.locator("td").all_inner_texts())
        out[label.split(" ", 1)[-1]] = (due, state)
    return out


# R-REP-03, R-REP-05, R-REP-07, R-REP-08, R-REP-10, R-REP-11, R-REP-15, R-REP-16, R-PAID-06, R-REP-02, R-CB-12
def test_paid_in_unit_repair_with_an_off_list_part_and_the_20_percent_fee(live_server, page, rw, clock):
    base = live_server.url

    # 08:50 — 李主管 prices 换水龙头 on the fee schedule (labour only, R-PAID-06).
    clock(local(2030, 1, 7, 8, 50))
    login(page, base, "supervisor")
    page.goto(f"{base}/repairs/prices/")
    row = page.locator("tr", has_text="换水龙头").filter(has_not_text="加装")
    row.locator("input[name=price]").fill("30")
    row.get_by_role("button", name="保存").click()
    page.locator("tr", has_text="换水龙头").filter(has_not_text="加装").filter(has_text="30").wait_for()

    # 09:00 — 陈前台 takes 张三's call: 《工程维修单》, engineering notified by phone at once.
    login(page, base, "frontdesk")
    page.goto(f"{base}/repairs/new/unit/")
    page.fill("#id_unit", "3-1201")
    page.fill("#id_reporter_name", "张三")
    page.fill("#id_contact_phone", "13812345678")
    page.fill("#id_description", "厨房水龙头损坏,需更换")
    page.fill("#id_special_requests", "请穿鞋套")
    page.fill("#id_available_times", "工作日 9:00-11:00")
    page.select_option("#id_notify_method", "phone")
    clock(local(2030, 1, 7, 9, 0))
    page.get_by_role("button", name="登记并通知工程部").click()
    page.wait_for_url("**/servicedesk/*/")
    req = ServiceRequest.objects.get(kind="repair")
    detail = f"{base}/servicedesk/{req.pk}/"
    ok(page, f"已登记报修 {req.number},并已通知工程部取单")
    assert "已通知工程部" in page.locator("h1 .badge").first.inner_text()
    assert "138****5678" in page.content() and "13812345678" not in page.content()
    assert Notification.objects.filter(
        recipient=rw.engineer, title__contains="请到客服部领取工程维修单"
    ).exists()

    # 09:03 — 刘工 collects the order and signs for it (within 5 minutes, R-REP-07/08), 09:20 on site.
    login(page, base, "engineer")
    page.goto(detail)
    step(page, "collect").locator("#collect_collector").select_option(str(rw.engineer.pk))
    step(page, "collect").locator("#collect_signature").fill("刘工")
    clock(local(2030, 1, 7, 9, 3, 30))
    submit(page, "collect")
    clock(local(2030, 1, 7, 9, 20))
    submit(page, "arrive")

    # 09:25 — the work needs the listed labour and a 恒温阀芯 not on the list: parts + 20% service fee.
    clock(local(2030, 1, 7, 9, 25))
    charge = step(page, "charge")
    tap = charge.locator("#charge_price_item option", has_text="换水龙头").first.get_attribute("value")
    charge.locator("#charge_kind").select_option("labour")
    charge.locator("#charge_price_item").select_option(tap)
    submit(page, "charge")
    charge = step(page, "charge")
    charge.locator("#charge_kind").select_option("off_list")
    charge.locator("#charge_description").fill("恒温阀芯")
    charge.locator("#charge_quantity").fill("1")
    charge.locator("#charge_unit_price").fill("85.00")
    submit(page, "charge")
    lines = page.locator("#repair-panel table:has(th:text-is('服务费20%')) tbody tr")
    part = lines.filter(has_text="恒温阀芯")
    assert [c.strip() for c in part.locator("td").all_inner_texts()][3:7] == [
        "85.00",
        "85.00",
        "17.00",
        "102.00",
    ]
    assert "待确认" in part.inner_text()
    assert lines.last.locator("th").last.inner_text().strip() == "132.00"  # 30 + 85 + 17

    # The work may not be signed off before the resident has agreed the prices (R-REP-15).
    done = step(page, "complete")
    done.locator("#complete_result").fill("已更换水龙头及恒温阀芯")
    done.locator("#complete_repairer_signature").fill("刘工")
    done.locator("#complete_signer_name").fill("张三")
    done.get_by_role("button", name="提交").click()
    assert "未经业户确认" in page.content()
    assert ServiceRequest.objects.get(pk=req.pk).status == "arrived"

    # 09:28 — 张三 agrees to pay 132.00 before the work; the payment method is noted.
    clock(local(2030, 1, 7, 9, 28))
    page.goto(detail)
    assert step(page, "charges_confirm").locator("#charges_confirm_resident_name").input_value() == "张三"
    submit(page, "charges_confirm")
    step(page, "payment").locator("#payment_method").select_option("wechat")
    submit(page, "payment")
    assert "交费方式:微信" in page.locator("#repair-panel").inner_text()

    # 10:10 — done: the resident checks and signs, 刘工 signs and phones 客服 (R-REP-10/11).
    clock(local(2030, 1, 7, 10, 10))
    page.goto(detail)
    done = step(page, "complete")
    done.locator("#complete_result").fill("已更换水龙头及恒温阀芯,试水正常")
    done.locator("#complete_repairer_signature").fill("刘工")
    done.locator("#complete_signer_name").fill("张三")
    done.locator("#complete_resident_comment").fill("满意")
    assert done.locator("#complete_reported_to_cs").is_checked()
    submit(page, "complete")

    # 10:30 — 陈前台 calls 张三 back: it works; the order is closed and the callback scheduled.
    clock(local(2030, 1, 7, 10, 30))
    login(page, base, "frontdesk")
    page.goto(detail)
    step(page, "confirm").locator("#confirm_note").fill("业户确认出水正常")
    submit(page, "confirm")
    assert page.locator("h1 .badge").first.inner_text() == "已确认完成"
    panel = page.locator("#repair-panel").inner_text()
    assert "张三 01-07 09:28" in panel  # the prices were agreed before the work was signed off

    in_order(
        timeline(page),
        [
            ("01-07 09:00", "受理", "陈前台", "厨房水龙头损坏"),
            ("01-07 09:00", "状态变更", "陈前台", "已电话通知工程部取单"),
            ("01-07 09:00", "派单", "陈前台", "工程部"),
            ("01-07 09:00", "时限", "系统", "工程部5分钟内接单:01-07 09:05"),
            ("01-07 09:03", "状态变更", "刘工", "刘工 签字接单,通知后 3 分钟"),
            ("01-07 09:03", "派单", "刘工", "工程部 / 刘工"),
            ("01-07 09:20", "状态变更", "刘工", "已到场"),
            ("01-07 09:25", "记录", "刘工", "收费标准项目(人工) 换水龙头 1.00×30.00 = 30.00"),
            ("01-07 09:25", "记录", "刘工", "恒温阀芯 1.00×85.00 = 85.00 + 服务费 17.00(20%)= 102.00"),
            ("01-07 09:28", "电话联系", "刘工", "业户 张三 确认同意支付 132.00 元(2 项)"),
            ("01-07 09:28", "记录", "刘工", "交费方式:微信"),
            ("01-07 10:10", "电话联系", "刘工", "工程部电话通知客服:已完工"),
            ("01-07 10:10", "状态变更", "刘工", "维修人 刘工;业户 张三 签字"),
            ("01-07 10:30", "状态变更", "陈前台", "与业户确认:业户确认出水正常"),
        ],
    )
    shown = clocks(page)
    complete_due = deadlines.Calendar(rw.p1).add(
        local(2030, 1, 7, 9, 0), repair_services.COMPLETE_WITHIN_BUSINESS.total_seconds()
    )
    confirm_due = deadlines.Calendar(rw.p1).add(
        local(2030, 1, 7, 10, 10), repair_services.CONFIRM_WITHIN_BUSINESS.total_seconds()
    )
    assert shown["工程部5分钟内接单"] == ("01-07 09:05", "已完成 01-07 09:03")  # R-REP-07
    assert shown["维修完成"] == (hm(complete_due), "已完成 01-07 10:10")
    assert shown["客服与业户确认维修结果"] == (hm(confirm_due), "已完成 01-07 10:30")
    assert shown["回访"] == ("01-14 10:30", "计时中")  # R-CB-12: one week after the repair

    # The printed 《工程维修单》: both copies carry the part with its service fee and the payment method.
    page.get_by_role("link", name="打印维修单(A5 两联)").click()
    page.wait_for_url(f"**/repairs/{req.pk}/print/")
    sheets = page.locator(".sheet")
    assert sheets.count() == 2
    for i in range(2):
        fees = sheets.nth(i).locator("tr", has_text="材料及收费").inner_text()
        assert "恒温阀芯 102.00元(含服务费17.00)" in fees and "交费方式:微信" in fees
        assert req.number in sheets.nth(i).inner_text()
        assert "张三" in sheets.nth(i).locator("tr", has_text="业户(会所)签字").inner_text()
    order = RepairOrder.objects.get(pk=req.pk)
    assert (order.payment_method, order.signer_name, order.cs_confirmed_by) == (
        "wechat",
        "张三",
        rw.frontdesk,
    )
    assert Callback.objects.filter(request_id=req.pk, status="scheduled").count() == 1


# R-REP-25, R-REP-26, R-REP-27, R-REP-28
def test_emergency_leak_no_paper_first_notified_at_once_and_reported(live_server, page, rw, clock):
    base = live_server.url

    # 10:00 — 张三 phones: water is pouring out of the bathroom. No paper: engineering by radio at once.
    clock(local(2030, 1, 8, 9, 59))
    login(page, base, "frontdesk")
    page.goto(f"{base}/repairs/new/emergency/")
    assert "紧急情况可暂不填写工程维修单" in page.content()
    page.fill("#id_unit", "3-1201")
    page.select_option("#id_severity", "serious")
    page.fill("#id_description", "卫生间软管爆裂跑水,已漫到客厅")
    page.fill("#id_reporter_name", "张三")
    page.select_option("#id_method", "radio")
    clock(local(2030, 1, 8, 10, 0))
    page.get_by_role("button", name="登记并通知工程部").click()
    page.wait_for_url("**/servicedesk/*/")
    req = ServiceRequest.objects.get(kind="repair")
    detail = f"{base}/servicedesk/{req.pk}/"
    page.locator("#flash", has_text="已通知工程部与客服主管,5 分钟内到场").wait_for()
    assert "紧急" in page.locator("h1").inner_text()
    assert "紧急:暂不填单" in page.locator("#repair-panel h2").inner_text()
    assert clocks(page)["紧急:5分钟内到场"] == ("01-08 10:05", "计时中")

    # Engineering and the 客服主管 see it at once in their notification centre.
    for user in ("supervisor", "engineer"):
        login(page, base, user)
        page.goto(f"{base}/notifications/")
        row = page.locator("tbody tr", has_text=req.number).filter(has_text="紧急")
        assert "未读" in row.first.inner_text() and "lvl-danger" in row.first.get_attribute("class")
    assert "紧急报修,立即到场" in page.locator("tbody tr", has_text=req.number).first.inner_text()

    # 10:04 — 刘工, alerted, goes straight there (no order to collect) and is on site within 5 minutes.
    page.locator("tbody tr", has_text=req.number).first.locator("a").click()
    page.wait_for_url(detail)
    assert step(page, "collect").count() == 0
    assert step(page, "arrive").locator("#arrive_cs_on_site").is_checked()
    clock(local(2030, 1, 8, 10, 4, 30))
    submit(page, "arrive")
    assert clocks(page)["紧急:5分钟内到场"] == ("01-08 10:05", "已完成 01-08 10:04")
    assert "⚠" not in page.locator("#repair-panel tr", has_text="到场").first.inner_text()

    # 10:06 — photos of the scene.
    clock(local(2030, 1, 8, 10, 6))
    open_forms(page)
    photo = page.locator(f"form[action='/servicedesk/{req.pk}/photo/']")
    photo.locator("input[name=file]").set_input_files(
        {"name": "leak.png", "mimeType": "image/png", "buffer": tiny_png()}
    )
    photo.locator("input[name=caption]").fill("卫生间及客厅积水")
    photo.get_by_role("button", name="上传").click()
    ok(page, "已保存")
    page.locator("section.card:has(h2:text-is('照片/附件')) a", has_text="leak.png").wait_for()

    # 10:10 — 李主管 on the scene records the loss (R-REP-27).
    clock(local(2030, 1, 8, 10, 10))
    login(page, base, "supervisor")
    page.goto(detail)
    loss = step(page, "loss")
    loss.locator("#loss_item").fill("客厅木地板")
    loss.locator("#loss_description").fill("泡水起拱约 12 平方米")
    loss.locator("#loss_estimated_amount").fill("6000")
    submit(page, "loss")
    assert "客厅木地板:泡水起拱约 12 平方米(约 6000.00 元)" in page.locator("#repair-panel").inner_text()
    assert step(page, "accident_report").count() == 0  # the report comes after the repair

    # 10:40 — 刘工 has changed the hose; 张三 signs.
    clock(local(2030, 1, 8, 10, 40))
    login(page, base, "engineer")
    page.goto(detail)
    done = step(page, "complete")
    done.locator("#complete_result").fill("关闭总阀,更换卫生间软管,已止水")
    done.locator("#complete_repairer_signature").fill("刘工")
    done.locator("#complete_signer_name").fill("张三")
    submit(page, "complete")

    # 11:00 — 陈前台 writes the 《事故报告》 and reports it to the 客服主管 (R-REP-28).
    clock(local(2030, 1, 8, 11, 0))
    login(page, base, "frontdesk")
    page.goto(detail)
    step(page, "confirm").locator("#confirm_note").fill("业户确认已止水")
    submit_confirm = step(page, "confirm").get_by_role("button", name="提交")
    submit_confirm.click()  # refused: the 《事故报告》 comes first
    assert "《事故报告》" in page.content() and ServiceRequest.objects.get(pk=req.pk).status == "completed"
    page.goto(detail)
    report = step(page, "accident_report")
    assert report.locator("#accident_report_facts").input_value() == "卫生间软管爆裂跑水,已漫到客厅"
    report.locator("#accident_report_facts").fill("10:00 卫生间软管爆裂跑水,水漫至客厅")
    report.locator("#accident_report_impact").fill("客厅木地板泡水起拱")
    report.locator("#accident_report_handling").fill("10:04 工程部到场关阀,10:40 更换软管止水")
    submit(page, "accident_report")
    step(page, "accident_submit").get_by_role("button", name="提交").click()
    ok(page, "已保存")

    # 11:10 — 李主管 reads it (notified), then 陈前台 confirms with 张三.
    clock(local(2030, 1, 8, 11, 10))
    login(page, base, "supervisor")
    page.goto(f"{base}/notifications/")
    page.locator("tbody tr", has_text=f"《事故报告》待阅:{req.number}").first.locator("a").click()
    page.wait_for_url(detail)
    step(page, "accident_ack").locator("#accident_ack_note").fill("已阅,做好业户安抚和理赔跟进")
    submit(page, "accident_ack")
    clock(local(2030, 1, 8, 11, 20))
    login(page, base, "frontdesk")
    page.goto(detail)
    step(page, "confirm").locator("#confirm_note").fill("业户确认已止水")
    submit(page, "confirm")
    assert page.locator("h1 .badge").first.inner_text() == "已确认完成"
    assert "已阅" in page.locator("#repair-panel h3", has_text="《事故报告》").inner_text()

    in_order(
        timeline(page),
        [
            ("01-08 10:00", "受理", "陈前台", "紧急:卫生间软管爆裂跑水"),
            ("01-08 10:00", "升级上报", "陈前台", "已电话报告客服主管:严重,卫生间软管爆裂跑水"),
            ("01-08 10:00", "状态变更", "陈前台", "已对讲机通知工程部取单"),
            ("01-08 10:00", "派单", "陈前台", "工程部"),
            ("01-08 10:00", "时限", "系统", "紧急:5分钟内到场:01-08 10:05"),
            ("01-08 10:04", "状态变更", "刘工", "已到场,通知后 4 分钟,管理员同到现场"),
            ("01-08 10:06", "附件", "刘工", "卫生间及客厅积水"),
            ("01-08 10:10", "记录", "李主管", "损失记录:客厅木地板"),
            ("01-08 10:40", "状态变更", "刘工", "完工:关闭总阀,更换卫生间软管"),
            ("01-08 10:40", "时限", "系统", "填写《事故报告》上报客服主管"),
            ("01-08 11:00", "记录", "陈前台", "已填写《事故报告》"),
            ("01-08 11:00", "升级上报", "陈前台", "《事故报告》已上报客服主管"),
            ("01-08 11:10", "记录", "李主管", "客服主管已阅《事故报告》"),
            ("01-08 11:20", "状态变更", "陈前台", "与业户确认:业户确认已止水"),
        ],
    )
    shown = clocks(page)
    report_due = deadlines.Calendar(rw.p1).add(
        local(2030, 1, 8, 10, 40), repair_services.ACCIDENT_REPORT_WITHIN_BUSINESS.total_seconds()
    )
    assert shown["紧急:5分钟内到场"] == ("01-08 10:05", "已完成 01-08 10:04")  # R-REP-25
    assert shown["填写《事故报告》上报客服主管"] == (hm(report_due), "已完成 01-08 11:00")  # R-REP-28
    assert shown["客服与业户确认维修结果"][1] == "已完成 01-08 11:20"
    assert "工程部5分钟内接单" not in shown and "维修完成" not in shown  # no paper first
    assert LossRecord.objects.filter(order_id=req.pk).count() == 1
