"""Demo data: the 客服主管's daily check of the front desk (R-ROLE-09) turned into 不符合项 in every state
(R-ROLE-13) — closed, failed once then closed, overdue, tracking, awaiting verification, voided.

Every step goes through the services with explicit past times, so the data is the same whatever hour the
loader runs."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from core.choices import DepartmentKind, Role
from core.models import Department, Membership

from . import services
from .choices import NonConformitySource as Src
from .models import NonConformity


def _by_role(prop):
    out = {}
    for m in Membership.objects.filter(property=prop, active=True).select_related("user").order_by("id"):
        out.setdefault(m.role, []).append(m.user)
    return out


def load(*, prop) -> dict:
    if NonConformity.objects.filter(property=prop).exists():
        return {"skipped": True}
    roles = _by_role(prop)
    supervisor = (roles.get(Role.CS_SUPERVISOR) or roles.get(Role.MANAGER) or [None])[0]
    admin = (roles.get(Role.CS_ADMIN) or [None])[0]
    desk = (roles.get(Role.FRONT_DESK) or [None])[0]
    if not (supervisor and admin and desk):
        return {"skipped": True}
    cs = Department.objects.get(property=prop, kind=DepartmentKind.CUSTOMER_SERVICE)
    eng = Department.objects.filter(property=prop, kind=DepartmentKind.ENGINEERING).first() or cs
    tz = timezone.get_current_timezone()
    today = timezone.localdate()

    def at(days_ago, hh, mm=0):
        return datetime.combine(today - timedelta(days=days_ago), time(hh, mm), tzinfo=tz)

    def raise_(found, due, description, *, source=Src.DAILY_CHECK, place="前台", dept=cs, person=desk, **kw):
        return services.nonconformity_raise(
            actor=supervisor,
            prop=prop,
            source=source,
            found_at=found,
            due_at=due,
            place=place,
            description=description,
            department=dept,
            responsible=person,
            now=found + timedelta(minutes=10),
            **kw,
        )

    # 1. Closed: corrected by the front desk, verified by the 管理员.
    a = raise_(
        at(6, 9, 30),
        at(5, 17, 30),
        "前台接待未使用标准问候语“您好,欢迎光临”",
        standard="《前台接待服务规范》礼貌用语",
        requirement="当班人员复习服务用语,次日当面演练",
    )
    services.nonconformity_correct(actor=desk, item=a, correction="已复习服务用语并在晨会演练", now=at(5, 11))
    services.nonconformity_verify(
        actor=admin, item=a, passed=True, note="连续两天抽查均使用标准问候语", now=at(4, 10)
    )
    # 2. Failed verification once, then closed.
    b = raise_(
        at(5, 8, 45),
        at(4, 17, 30),
        "交接班记录未填写完整:遗留事项和公物清点栏空白",
        standard="《交接班管理规定》",
        requirement="补填前一班交接记录,交接双方签字",
    )
    services.nonconformity_correct(actor=desk, item=b, correction="已补填遗留事项", now=at(4, 14))
    services.nonconformity_verify(
        actor=admin,
        item=b,
        passed=False,
        note="公物清点栏仍未填写,接班人未签字",
        new_due_at=at(3, 17, 30),
        now=at(4, 16),
    )
    services.nonconformity_correct(
        actor=desk, item=b, correction="已补填公物清点并由接班人签字", now=at(3, 10)
    )
    services.nonconformity_verify(actor=admin, item=b, passed=True, note="复查完整", now=at(3, 15))
    # 3. Overdue: still being tracked after its due time.
    raise_(
        at(3, 9, 30),
        at(1, 17, 30),
        "访客登记漏登证件号(2 人次)",
        standard="《访客管理规定》",
        requirement="补登证件号,当班人员说明原因",
    )
    # 4. Being tracked, not yet due.
    raise_(
        at(1, 10),
        datetime.combine(today + timedelta(days=2), time(17, 30), tzinfo=tz),
        "前台台面摆放私人物品、宣传资料未归位",
        standard="《前台环境标准》",
        requirement="清理台面,资料按位摆放",
    )
    # 5. Corrected, awaiting verification.
    e = raise_(
        at(2, 15),
        datetime.combine(today + timedelta(days=1), time(17, 30), tzinfo=tz),
        "服务电话铃响三声以上未接听",
        standard="《服务电话管理程序》",
        requirement="调整座机位置,前台离岗时转接值班手机",
    )
    services.nonconformity_correct(
        actor=desk, item=e, correction="座机移至接待台正面,已设置离岗转接", now=at(1, 16)
    )
    # 6. A wrong entry, voided (kept).
    f = raise_(
        at(2, 16),
        at(0, 17, 30) + timedelta(days=1),
        "3栋大堂筒灯损坏未报修",
        source=Src.PATROL,
        place="3栋大堂",
        dept=eng,
        person=None,
        requirement="报修并跟进至修复",
    )
    services.nonconformity_void(
        actor=supervisor, item=f, reason="已有报修单在处理,非服务不符合项", now=at(2, 17)
    )
    return {"nonconformities": NonConformity.objects.filter(property=prop).count()}
