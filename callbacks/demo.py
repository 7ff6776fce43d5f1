"""Demo data of the callbacks area, through the services: due and overdue callbacks, one 不满意 callback
escalated to the supervisor, owner visits (one filed in the archive), last quarter's analysis report, a
survey with responses."""

from datetime import timedelta

from django.utils import timezone

from residents.models import Occupancy
from servicedesk import consultations
from servicedesk import services as sd

from . import services
from .choices import CallbackMethod, CallbackSource
from .selectors import previous_quarter


def _first(staff, *names):
    for n in names:
        if n in staff:
            return staff[n]
    return None


def load(*, prop, staff, rng, units):
    sup = _first(staff, "supervisor", "supervisor2")
    admin = _first(staff, "admin1", "admin21")
    desk = _first(staff, "frontdesk", "frontdesk2")
    stats = _first(staff, "clerk", "admin1", "admin21")
    manager = _first(staff, "manager", "manager2")
    if not (sup and admin and desk):
        return
    today = timezone.localdate()
    owners = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True, role__in=["owner", "company"])
        .select_related("resident", "unit")
        .order_by("id")[:12]
    )
    # A special-service contract whose midpoint has passed (an overdue callback) and a recent activity.
    o = owners[0] if owners else None
    services.contract_create(
        actor=sup,
        prop=prop,
        title="家政保洁(每周两次)",
        start=today - timedelta(days=60),
        end=today + timedelta(days=30),
        resident=o.resident if o else None,
        unit=o.unit if o else None,
    )
    services.activity_create(
        actor=sup,
        prop=prop,
        title="中秋游园会",
        place="中心花园",
        start=today - timedelta(days=12),
        end=today - timedelta(days=10),
        participants=rng.randint(60, 150),
    )
    # Periodic / festival callbacks to key customers and owners.
    for occ in owners[1:4]:
        services.callback_create(
            actor=sup,
            prop=prop,
            subject="节日特色回访",
            contact_name="",
            resident=occ.resident,
            unit=occ.unit,
            source=CallbackSource.PERIODIC,
            due_at=timezone.now() + timedelta(days=rng.randint(1, 3), hours=rng.randint(1, 8)),
        )
    # Answered consultations with callbacks: one satisfied and closed, one 不满意 escalated.
    for i, (sat, why) in enumerate((("satisfied", ""), ("unsatisfied", "答复不清楚,仍不知道如何办理"))):
        occ = owners[4 + i] if len(owners) > 4 + i else None
        req = consultations.consultation_create(
            actor=desk,
            prop=prop,
            channel="phone",
            question="地下车库月卡如何办理?" if i == 0 else "装修押金何时退还?",
            reporter_name=occ.resident.name if occ else "业户",
            contact_phone=occ.resident.phone if occ else "",
            reporter=occ.resident if occ else None,
            unit=occ.unit if occ else None,
        )
        sd.request_transition(actor=desk, request=req, name="answer", reason="已电话答复")
        cb = services.callback_create(
            actor=sup,
            prop=prop,
            subject=f"{req.number} {req.title}",
            contact_name=req.reporter_name,
            contact_phone=req.contact_phone,
            resident=req.reporter,
            unit=req.unit,
            request=req,
            source=CallbackSource.OTHER_SERVICE,
            callers=[admin],
        )
        services.callback_issue(actor=desk, callback=cb)
        now = timezone.localtime()
        called = now if 9 <= now.hour < 21 else now.replace(hour=10, minute=0) - timedelta(days=1)
        services.callback_record(
            actor=admin,
            callback=cb,
            satisfaction=sat,
            method=CallbackMethod.PHONE,
            shortcomings=why,
            suggestions="希望办理流程公布在公告栏" if i else "",
            resident_confirmed=True,
            caller_signature=str(admin),
            called_at=called,
        )
        services.callback_review(
            actor=admin,
            callback=cb,
            comment="已核实" if i else "合格",
            unqualified=bool(i),
            handling_opinion="请主管安排重新书面答复" if i else "",
        )
    # Owner visit plan and the 《建议/意见登记表》.
    if owners:
        plan = services.visit_plan_create(
            actor=admin,
            prop=prop,
            title=f"{today.year}年业主回访计划",
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
            administrator=admin,
            building=owners[0].unit.building,
        )
        for j, e in enumerate(plan.entries.select_related("resident", "unit")[:3]):
            v = services.visit_record(
                actor=admin,
                prop=prop,
                resident=e.resident,
                plan_entry=e,
                opinions=["电梯高峰期等待时间长", "夜间巡逻可加强", "绿化修剪及时"][j],
                needs=["希望增加儿童游乐设施", "", "增设快递柜"][j],
            )
            if j < 2:
                services.visit_feedback(
                    actor=admin, visit=v, solution="已与工程部商定整改计划", satisfaction="satisfied"
                )
            if j == 0:
                services.visit_review(actor=sup, visit=v, signature=str(sup), comment="同意,归档")
    # Last quarter's analysis report, reviewed by the supervisor.
    y, q = previous_quarter(today)
    if stats:
        rep = services.report_generate(
            actor=stats, prop=prop, year=y, quarter=q, analysis="本季度回访总体满意。"
        )
        services.report_review(actor=sup, report=rep, opinion="同意,请工程部关注重复维修")
        if manager:
            services.report_send(actor=sup, report=rep, manager=manager)
    # The owner survey.
    s = services.survey_create(
        actor=sup,
        prop=prop,
        title=f"{today.year}年业户意见调查",
        distributed_on=today - timedelta(days=20),
        collect_by=today + timedelta(days=10),
        questions=["客服服务态度", "报修响应速度", "公共区域保洁", "秩序维护"],
    )
    qs = list(s.questions.all())
    for occ in owners[:8]:
        services.survey_response_add(
            actor=sup,
            survey=s,
            resident=occ.resident,
            unit=occ.unit,
            answers={x.pk: rng.choice(["satisfied", "satisfied", "average", "unsatisfied"]) for x in qs},
        )
