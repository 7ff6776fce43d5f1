"""Demo data for 求助: a first-aid call handled with 120, a repair help referred to engineering, a water-leak
disaster with its incident, consultations (one a matter of principle, one with a promised answer), a paid
help, one closed as not satisfiable with its referral, and last year's archived 《住户求助登记表》 (plus an
older batch past its two years, ready for the supervisor's disposal). Everything goes through
assistance.services with real actors; `received_at` backfills the dates."""

from datetime import datetime, timedelta

from django.utils import timezone

from core.choices import Role
from core.models import Membership

from . import services
from .models import HelpRequest


def _by_role(prop, staff):
    out = {}
    for m in Membership.objects.filter(
        property=prop, active=True, user__in=list(staff.values())
    ).select_related("user"):
        out.setdefault(m.role, []).append(m.user)
    return out


def _first(roles, *wanted):
    for r in wanted:
        if roles.get(r):
            return roles[r][0]
    return None


def load(*, prop, staff, rng, units=None) -> dict:
    if HelpRequest.objects.filter(request__property=prop).exists():
        return {"skipped": True}
    from residents.models import Occupancy

    roles = _by_role(prop, staff)
    desk = _first(roles, Role.FRONT_DESK, Role.CS_ADMIN, Role.CS_SUPERVISOR)
    sup = _first(roles, Role.CS_SUPERVISOR, Role.MANAGER)
    guard = _first(roles, Role.GUARD, Role.SEC_SUPERVISOR) or desk
    filer = _first(roles, Role.CLERK, Role.CS_ADMIN, Role.CS_SUPERVISOR)
    if not (desk and sup and filer):
        return {"skipped": True}
    occ = list(
        Occupancy.objects.filter(unit__property=prop, end__isnull=True).select_related("resident", "unit")[
            :40
        ]
    )
    rng.shuffle(occ)
    now = timezone.now()
    made = 0

    def who(i):
        if occ:
            o = occ[i % len(occ)]
            return {"reporter": o.resident, "reporter_name": o.resident.name, "unit": o.unit}
        return {"reporter_name": "业户"}

    def help(cat, i, desc, ago, **kw):
        nonlocal made
        made += 1
        base = {"channel": "phone", "contact_phone": f"139{rng.randint(10000000, 99999999)}", **who(i)}
        base.update(kw)
        return services.help_create(
            actor=desk, prop=prop, category=cat, description=desc, received_at=now - ago, **base
        )

    def tick(h, key, actor=None, **values):
        services.help_step_tick(actor=actor or desk, help=h, key=key, values=values)

    # 1. first aid, 120 called, ambulance guided in by security (R-HELP-06/08)
    h = help(
        "first_aid",
        0,
        "家中老人突发胸痛,家属来电求助",
        timedelta(days=3, hours=2),
        floor_address="12楼 东户",
        patient_phone=f"138{rng.randint(10000000, 99999999)}",
    )
    tick(h, "choice", choice="call_120")
    tick(h, "security_notified")
    tick(h, "called_120")
    tick(h, "entrance_posted", actor=guard)
    tick(h, "ambulance_guided", actor=guard)
    tick(h, "outcome", outcome="120 于 12 分钟后到达,病人已送往市第一人民医院,家属陪同")
    services.help_resolve(actor=desk, help=h, result="病人已由120接走,秩序维护员引导到户")

    # 2. repair help referred to the repair flow (R-HELP-14)
    h = help("repair", 1, "厨房水龙头关不紧,一直滴水", timedelta(days=2, hours=5))
    tick(h, "referred")
    tick(h, "resident_told")
    services.help_resolve(actor=desk, help=h, result="已转工程部维修单,告知住户上门时间")

    # 3. water leak (水浸) — an incident opened, handled, closed (R-HELP-14)
    h = help("disaster", 2, "楼上水管爆裂,水从天花板渗下,客厅积水", timedelta(days=1, hours=3))
    tick(h, "incident_opened", incident_type="flood", place=f"{h.request.place() or '3栋'} 及楼下")
    inc = h.incidents.get()
    services.incident_handle(
        actor=guard, incident=inc, handling="关闭楼层总阀,工程部更换爆裂管段,保洁清理积水"
    )
    tick(h, "outcome", outcome="水已止住,积水清理完毕,已拍照留存")
    services.help_resolve(actor=desk, help=h, result="已止水并清理,业主损失情况另行协调")
    services.incident_close(actor=sup, incident=inc, note="处置完毕结案")

    # 4. consultations: answered at once; matter of principle via the supervisor; a promised answer
    h = help("consultation", 3, "请问小区车位月卡怎么办理?", timedelta(hours=30))
    tick(h, "answered", answer="携带行驶证到服务中心办理,每月 5 日前续费")
    services.help_resolve(actor=desk, help=h, result="已当场答复")
    h = help("consultation", 4, "开发商承诺的会所何时免费开放?", timedelta(hours=20))
    services.help_mark_principle(actor=desk, help=h, note="涉及开发商承诺,不能直接答复")
    services.help_supervisor_reply(actor=sup, help=h, reply="已与开发商协调:待业委会决议后公告")
    tick(h, "answered", answer="向业主说明:会所开放时间待业委会决议后公告,并致歉")
    h = help("consultation", 5, "本年度物业费调价依据是什么?", timedelta(hours=2))
    services.help_promise_answer(
        actor=desk, help=h, answer_by=now + timedelta(hours=4), note="已致歉,下午答复"
    )

    # 5. a paid help (R-HELP-16) and one that could not be met, with its referral (R-HELP-05)
    h = help("other", 6, "下水道堵塞,请帮忙疏通", timedelta(hours=26), is_paid=True)
    tick(h, "best_effort", what="安排工程部上门疏通")
    services.help_set_fee(actor=desk, help=h, is_paid=True, fee="30.00", note="管道疏通(不含材料)")
    services.help_resolve(actor=desk, help=h, result="已疏通,收费 30 元")
    h = help("other", 7, "家中燃气灶点不着火", timedelta(hours=8))
    services.help_refer(
        actor=desk, help=h, kind="external", target="燃气公司抢修热线", note="已代为联系并告知住户电话"
    )
    services.help_close_unsatisfiable(actor=desk, help=h, reason="燃气设施属燃气公司维护,已协助联系")

    # 6. one still waiting for its first response, and a crime report in handling
    help("other", 8, "钥匙锁在家里,请帮忙联系开锁", timedelta(minutes=2))
    h = help("crime", 9, "电动车在车棚被盗", timedelta(hours=5))
    tick(h, "incident_opened", actor=guard, incident_type="theft", place="北门车棚")

    # 7. last year's register, archived at the start of this year (R-HELP-17), and an older batch
    year = timezone.localdate().year
    tz = timezone.get_current_timezone()
    for i, (m, cat, desc) in enumerate(
        [
            (3, "other", "帮忙搬运大件家具"),
            (6, "repair", "阳台推拉门卡住"),
            (9, "consultation", "装修审批流程咨询"),
            (11, "first_aid", "业主在大堂滑倒扭伤"),
        ]
    ):
        kw = {"floor_address": "大堂", "patient_phone": "13900000000"} if cat == "first_aid" else {}
        h = services.help_create(
            actor=desk,
            prop=prop,
            category=cat,
            description=desc,
            channel="visit",
            received_at=datetime(year - 1, m, 10 + i, 10, 0, tzinfo=tz),
            **who(10 + i),
            **kw,
        )
        made += 1
        services.help_refer(actor=desk, help=h, kind="department", target="客服部", note="已办结归档")
        services.help_close_unsatisfiable(actor=desk, help=h, reason="历史记录(演示)")
    archived_at = min(now, datetime(year, 1, 3, 9, 0, tzinfo=tz))
    services.help_register_archive(actor=filer, prop=prop, year=year - 1, now=archived_at)
    h = services.help_create(
        actor=desk,
        prop=prop,
        category="other",
        description="代收快递(旧记录)",
        channel="visit",
        received_at=datetime(year - 3, 5, 5, 10, 0, tzinfo=tz),
        **who(20),
    )
    tick(h, "best_effort", what="代收快递")  # an old record is a finished one
    services.help_resolve(actor=desk, help=h, result="已代收,业户当日取走")
    made += 1
    services.help_register_archive(
        # archived in the first minutes of its next year, so its two years are up whatever day the demo loads
        actor=filer,
        prop=prop,
        year=year - 3,
        now=datetime(year - 2, 1, 1, 0, 5, tzinfo=tz),
    )
    return {"requests": made}
