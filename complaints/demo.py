"""Demo complaints: about eight weeks of complaints in every state (for the daily / weekly / monthly
reports), the "must show" phone complaint of today up to 已处理, and one 重大投诉.

Every write goes through complaints.services with real actors. To give the timeline and the clocks their
historical times, each step runs with django.utils.timezone.now patched to the moment it happened
(demo only — real use never backdates a step).
"""

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from unittest import mock

from django.utils import timezone

from core.choices import Role
from core.models import Department, Membership
from residents.models import Occupancy
from servicedesk import services as sd

from . import services
from .choices import AnalysisCategory, BasicType, Emotion
from .models import Complaint

TOPICS = [
    ("楼道灯不亮", "3楼楼道灯坏了好几天", BasicType.FACILITIES, AnalysisCategory.EQUIPMENT, "eng"),
    (
        "电梯经常停运",
        "2号电梯这周停了三次,老人上下楼困难",
        BasicType.FACILITIES,
        AnalysisCategory.EQUIPMENT,
        "eng",
    ),
    ("热水供应不稳定", "晚上热水时有时无", BasicType.FACILITIES, AnalysisCategory.ENERGY, "eng"),
    (
        "停电未提前通知",
        "昨天下午停电两小时,没有看到任何通知",
        BasicType.QUALITY,
        AnalysisCategory.ENERGY,
        "eng",
    ),
    ("电费分摊有异议", "公摊电费比上月高出很多", BasicType.OTHER, AnalysisCategory.ENERGY, "fin"),
    ("保安态度生硬", "门岗保安说话很冲,不让快递进门", BasicType.ATTITUDE, AnalysisCategory.SERVICE, "sec"),
    ("前台电话无人接听", "打了五次服务中心电话都没人接", BasicType.ATTITUDE, AnalysisCategory.SERVICE, "cs"),
    ("垃圾清运不及时", "楼下垃圾桶两天没有清运,有异味", BasicType.QUALITY, AnalysisCategory.SERVICE, "clean"),
    ("楼上装修噪音", "楼上周末早上七点就开始装修", BasicType.OTHER, AnalysisCategory.SERVICE, None),
    ("车库积水", "暴雨后地下车库积水,车辆无法进出", BasicType.EMERGENCY, AnalysisCategory.EQUIPMENT, "eng"),
    ("维修人员未按时上门", "约好上午维修,下午才来", BasicType.QUALITY, AnalysisCategory.SERVICE, "eng"),
    ("绿化修剪噪音", "中午修剪草坪影响休息", BasicType.QUALITY, AnalysisCategory.SERVICE, "clean"),
]
DEMANDS = ["尽快处理", "给个说法", "今天修好", "希望物业道歉", "以后提前通知", "退还多收的费用"]


@contextmanager
def _at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _people(prop):
    by_role = {}
    for m in Membership.objects.filter(property=prop, active=True).select_related("user").order_by("id"):
        by_role.setdefault(m.role, []).append(m.user)
    return by_role


def load(*, prop, staff, rng, units):
    if Complaint.objects.filter(request__property=prop).exists():
        return {"skipped": True}
    roles = _people(prop)
    desk = (roles.get(Role.FRONT_DESK) or roles.get(Role.CS_ADMIN) or [None])[0]
    admin = (roles.get(Role.CS_ADMIN) or [desk])[0]
    sup = (roles.get(Role.CS_SUPERVISOR) or [None])[0]
    manager = (roles.get(Role.MANAGER) or [sup])[0]
    if not (desk and sup):
        return {"skipped": True}
    depts = {d.kind: d for d in Department.objects.filter(property=prop)}
    occupied = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True).select_related("resident", "unit")[
            :400
        ]
    )
    if not occupied:
        return {"skipped": True}
    tz = timezone.get_current_timezone()
    now = timezone.now()
    made = 0
    n = 32 if prop.kind == "residential" else 12
    for _ in range(n):
        back = rng.randint(1, 56)
        day = timezone.localdate() - timedelta(days=back)
        start = datetime.combine(day, time(8, 40), tzinfo=tz) + timedelta(minutes=rng.randint(0, 560))
        _story(
            prop, rng, start, now, rng.choice(occupied), rng.choice(TOPICS), depts, desk, admin, sup, manager
        )
        made += 1
    # One 重大投诉, two weeks ago, instructed by the manager and still being handled.
    major_start = datetime.combine(timezone.localdate() - timedelta(days=14), time(10, 15), tzinfo=tz)
    _story(
        prop,
        rng,
        major_start,
        now,
        occupied[0],
        (
            "水管爆裂淹了业户家",
            "楼上公共水管爆裂,家中木地板和家具被泡",
            BasicType.EMERGENCY,
            AnalysisCategory.EQUIPMENT,
            "eng",
        ),
        depts,
        desk,
        admin,
        sup,
        manager,
        major=True,
        stop_at="handling",
    )
    # The must-show scenario: a phone complaint this morning, up to 已处理 (its steps take 4.5 hours, so it
    # starts earlier when the demo is loaded in the small hours).
    today_start = min(now - timedelta(hours=5), datetime.combine(timezone.localdate(), time(9, 5), tzinfo=tz))
    _story(
        prop,
        rng,
        today_start,
        now,
        occupied[min(1, len(occupied) - 1)],
        (
            "楼道灯坏了一周无人修",
            "12楼楼道灯坏了一周,报修两次无人处理",
            BasicType.QUALITY,
            AnalysisCategory.EQUIPMENT,
            "eng",
        ),
        depts,
        desk,
        admin,
        sup,
        manager,
        stop_at="handled",
        quick=True,
    )
    return {"complaints": made + 2}


def _story(
    prop, rng, t, now, occ, topic, depts, desk, admin, sup, manager, major=False, stop_at=None, quick=False
):
    title, text, basic_type, category, dept_kind = topic
    resident, unit = occ.resident, occ.unit
    channel = rng.choice(["phone", "phone", "visit", "written"]) if not (quick or major) else "phone"
    step = (lambda m: timedelta(minutes=m)) if quick else (lambda m: timedelta(minutes=m * rng.randint(1, 3)))

    def when(delta):
        nonlocal t
        t = t + delta
        return t if t < now - timedelta(minutes=1) else None

    with _at(t):
        c = services.complaint_create(
            actor=desk,
            prop=prop,
            channel=channel,
            title=title,
            description=text,
            reporter_name=resident.name,
            reporter=resident,
            unit=unit,
            contact_phone=resident.phone or "13800000000",
            caller_company=resident.name if channel == "phone" else "",
            basic_type=basic_type,
            analysis_category=category,
            emotion=rng.choice([e.value for e in Emotion] + [""]),
            demand=rng.choice(DEMANDS),
            is_serious=major,
            apologised=channel != "written",
            steps=["hear", "ask", "record"] if channel != "written" else [],
            received_at=t,
        )
    # The same-day reply — nearly always (R-CMP-24); a few are missed for the daily review.
    if rng.random() < 0.92 or quick:
        at = when(step(40))
        if at is None:
            return c
        with _at(at):
            if channel == "written":
                services.complaint_reply(
                    actor=desk, complaint=c, text="您好,您的来信已收到,我们会及时把处理结果通知您"
                )
            else:
                services.complaint_reply(
                    actor=desk, complaint=c, text="非常感谢您的反映,我们已安排人员跟进,今天内答复您进展"
                )
    valid = major or quick or dept_kind is not None and rng.random() < 0.8
    at = when(step(60))
    if at is None:
        return c
    with _at(at):
        if not valid:
            services.complaint_judge(
                actor=sup,
                complaint=c,
                judgment="invalid",
                reason="经核实,属业户自有设施/相邻关系问题",
                refusal_basis=rng.choice(["", "covenant", "handbook"]),
            )
        else:
            dept = depts.get(dept_kind or "cs")
            services.complaint_judge(
                actor=sup,
                complaint=c,
                judgment="valid",
                reason="经核实情况属实,理由充分" if not major else "公共水管爆裂造成业户重大财产损失",
                responsible_department=dept,
                investigation_hours=rng.choice([4, 7, 14]),
                definition="2" if major else rng.choice(["1", "4", "5"]),
                severity="major" if major else None,
                our_fault=True,
            )
    if not valid:
        for fn, kw, gap in (
            (
                (
                    services.written_reply_draft,
                    {"text": "尊敬的业主:您好!经我们核实,此事责任不在管理处,特此说明,感谢您的理解。"},
                    30,
                ),
            )
            if channel == "written"
            else ()
        ):
            at = when(step(gap))
            if at is None:
                return c
            with _at(at):
                fn(actor=desk, complaint=c, **kw)
                services.written_reply_approve(actor=sup, complaint=c)
        at = when(step(90))
        if at is None:
            return c
        with _at(at):
            services.complaint_answer_invalid(
                actor=desk,
                complaint=c,
                text=""
                if channel == "written"
                else "非常感谢您的反映,经核实此事由相邻业户装修引起,我们已协助沟通",
            )
        at = when(timedelta(hours=rng.randint(2, 30)))
        if at is None:
            return c
        with _at(at):
            services.complaint_close_invalid(actor=desk, complaint=c, understanding="业户表示理解")
        return c
    at = when(step(30))
    if at is None:
        return c
    with _at(at):
        p1 = services.proposal_add(actor=admin, complaint=c, text="责任部门当日上门处理并反馈")
        services.proposal_add(actor=admin, complaint=c, text="先临时处置,三日内彻底整改")
        services.complaint_step(actor=admin, complaint=c, name="submit_proposals")
    at = when(step(60))
    if at is None:
        return c
    with _at(at):
        services.complaint_instruct(
            actor=manager if major else sup, complaint=c, proposal=p1, instruction="同意,立即落实并回复业户"
        )
    at = when(step(20))
    if at is None:
        return c
    with _at(at):
        services.complaint_step(actor=admin, complaint=c, name="start_handling")
    if stop_at == "handling":
        return c
    at = when(step(60) if quick else timedelta(hours=rng.randint(3, 60)))
    if at is None:
        return c
    with _at(at):
        services.complaint_complete(actor=admin, complaint=c, resolution="已按批示处理完毕,并现场确认效果")
    if stop_at == "handled":
        return c
    at = when(step(60))
    if at is None:
        return c
    with _at(at):
        if channel == "written":
            services.written_reply_draft(
                actor=desk, complaint=c, text="尊敬的业主:您反映的问题已处理完毕,感谢您的监督。"
            )
            services.written_reply_approve(actor=sup, complaint=c)
        reply = "" if channel == "written" else "您好,您反映的问题已处理完毕,请您查看是否满意"
        services.complaint_reply_result(actor=desk, complaint=c, text=reply)
    at = when(timedelta(days=3))  # R-CB-11: the day-3 callback
    if at is None:
        return c
    with _at(at):
        unhappy = rng.random() < 0.12
        sd.request_feedback(
            actor=admin,
            request=c.request,
            satisfaction="unsatisfied" if unhappy else rng.choice(["satisfied", "satisfied", "average"]),
            comment="问题又出现了" if unhappy else "",
        )
        if unhappy:
            services.complaint_step(actor=sup, complaint=c, name="reopen", reason="回访不满意:问题复发")
            return c
        services.complaint_step(actor=admin, complaint=c, name="callback_done", reason="电话回访,业户满意")
    at = when(timedelta(hours=rng.randint(2, 48)))
    if at is None:
        return c
    with _at(at):
        c.refresh_from_db()
        if c.internal_fault:
            services.apology_generate(
                actor=desk, complaint=c, improvement="已加强巡查与交接,避免类似情况再次发生"
            )
            services.apology_issue(actor=desk, complaint=c)
        for s in ("hear", "ask", "record"):
            services.complaint_check(actor=admin, complaint=c, step=s)
        services.complaint_step(actor=admin, complaint=c, name="archive")
    return c
