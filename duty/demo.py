"""Demo data: a few weeks of 《客服工作台帐》, special incident reports, sign-offs and handovers, and the
《岗位签到表》: four posts, who is on them now, the last two shifts signed out, one meal relief.

Everything goes through duty.services with real actors; `occurred_at` / `now` backfill the past weeks.
(History rows and created_at stamps carry the time the loader ran.)
"""

import struct
import zlib
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import DepartmentKind, Role
from core.models import Building, Department, Location, Membership, Unit

from . import services
from .choices import DutyCategory, LeaveReason, Shift
from .models import SIGN_IN_EARLY, DutyEntry, Post, attendance_window, shift_window

# (category, course, handling, result); "{unit}" is replaced by a unit label of the property.
ENTRY_TEMPLATES = [
    (
        DutyCategory.COMPLAINT,
        "{unit} 业主来电投诉楼上装修噪音,午休时间仍在施工。",
        "电话联系装修单位,告知装修时间规定。",
        "施工方已停工,回复业主。",
    ),
    (
        DutyCategory.COMPLAINT,
        "{unit} 业主投诉卫生间顶部渗水,怀疑楼上漏水。",
        "开具工程维修单,通知工程部上门查看。",
        "工程部已到场,确认为楼上防水层问题,跟进中。",
    ),
    (
        DutyCategory.COMPLAINT,
        "{unit} 业主投诉地下车库照明不足,夜间行走不便。",
        "记录并转工程部,更换损坏灯管。",
        "已更换 6 支灯管,回访业主满意。",
    ),
    (
        DutyCategory.COMPLAINT,
        "{unit} 业主投诉垃圾桶未及时清运,有异味。",
        "通知保洁主管加派人员清运。",
        "30 分钟内清运完毕,已告知业主。",
    ),
    (
        DutyCategory.SECURITY,
        "大堂有外来人员散发小广告,未经登记进入楼层。",
        "通知秩序维护部劝离,收回小广告。",
        "人员已离开,提醒门岗加强访客登记。",
    ),
    (
        DutyCategory.SECURITY,
        "{unit} 门口发现不明人员徘徊,业主来电求助。",
        "秩序维护员 5 分钟内到场询问。",
        "为送餐人员走错楼层,已引导离开。",
    ),
    (
        DutyCategory.SECURITY,
        "地下车库一辆电动车疑似被盗,车主报称。",
        "调取监控,协助车主向公安部门报案。",
        "派出所已受理,监控录像已拷贝留存。",
    ),
    (
        DutyCategory.ACCIDENT,
        "{unit} 业主报停电,查为户内空开跳闸。",
        "工程人员上门检查线路。",
        "更换空开后恢复供电。",
    ),
    (
        DutyCategory.ACCIDENT,
        "暴雨导致地下车库入口积水约 5 厘米。",
        "通知秩序维护部摆放沙袋,工程部启动排水泵。",
        "1 小时后积水排净,无车辆受损。",
    ),
    (
        DutyCategory.ACCIDENT,
        "3 栋电梯故障停梯,无人被困。",
        "通知电梯维保单位,张贴停梯告示。",
        "维保单位 40 分钟到场,已恢复运行。",
    ),
    (
        DutyCategory.ACCIDENT,
        "消防控制室报 12 层烟感报警。",
        "秩序维护员到场确认,为业主厨房油烟。",
        "误报,已复位并提醒业主开窗通风。",
    ),
    (
        DutyCategory.STAFF,
        "保洁员上岗未穿工服,被业主拍照反映。",
        "通知保洁公司主管,按规定处理。",
        "已整改,保洁公司书面说明。",
    ),
    (
        DutyCategory.STAFF,
        "门岗秩序维护员值班期间玩手机,未认真核查访客。",
        "报秩序维护主管,当面提醒。",
        "已按制度记违规一次。",
    ),
    (
        DutyCategory.OCCUPANCY,
        "{unit} 新业主办理入住手续。",
        "核验购房资料,签署《业主公约》,发放钥匙与《住户手册》。",
        "入住手续办理完毕。",
    ),
    (
        DutyCategory.OCCUPANCY,
        "{unit} 租户办理迁出,申请搬出家具。",
        "核实业主同意书,开具放行条。",
        "物品已放行,门岗核验。",
    ),
    (
        DutyCategory.OCCUPANCY,
        "{unit} 业主家庭成员变更,新增常住人员 2 人。",
        "登记人员信息,更新住户档案。",
        "档案已更新。",
    ),
    (
        DutyCategory.OTHER,
        "自来水公司通知明日 9:00–15:00 管网维修停水。",
        "在各楼座公告栏张贴停水通知,短信告知业主。",
        "通知已发布。",
    ),
    (
        DutyCategory.OTHER,
        "业主委员会来电,预约下周召开季度会议。",
        "报客服主管,预留会议室。",
        "会议室已预订。",
    ),
    (
        DutyCategory.OTHER,
        "{unit} 业主来访咨询物业费缴纳方式。",
        "介绍缴费渠道,提供缴费二维码。",
        "业主已现场缴纳。",
    ),
    (
        DutyCategory.OTHER,
        "快递员集中投放包裹 23 件至前台。",
        "逐件登记并通知业主领取。",
        "已通知,当日领走 15 件。",
    ),
]

MAJOR_EVENTS = [
    (
        DutyCategory.ACCIDENT,
        "地下车库 B2 消防水管爆裂,大量漏水。",
        "关闭阀门,通知工程部抢修,秩序维护部疏导车辆。",
        "2 小时后修复,3 辆车轻微泡水,已拍照取证。",
        "B2 车库消防水管爆裂",
        "3 辆业主车辆底盘泡水,车库地面设备需检查。",
    ),
    (
        DutyCategory.SECURITY,
        "两名外来人员在小区内发生肢体冲突。",
        "秩序维护部到场制止,报警处理。",
        "派出所民警带离双方,无业主受伤。",
        "小区内外来人员斗殴",
        "大堂一盆景损坏。",
    ),
]


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80\x80\x80"))
        + chunk(b"IEND", b"")
    )


def _by_role(prop, staff: dict) -> dict[str, list]:
    ids = {u.pk: u for u in staff.values()}
    out: dict[str, list] = {}
    for m in Membership.objects.filter(property=prop, user_id__in=ids, active=True).order_by(
        "user__username"
    ):
        out.setdefault(m.role, []).append(ids[m.user_id])
    return out


def load(*, prop, staff: dict, rng, days: int = 21) -> dict:
    """Backfill `days` days of duty log for `prop`, plus today up to now, and the posts' attendance.
    Returns what was made; each part is skipped when the property has it already."""
    made = _duty_log(prop=prop, staff=staff, rng=rng, days=days)
    posts = _posts(prop, staff)
    return made if posts is None else {**made, **posts}


def _duty_log(*, prop, staff: dict, rng, days: int) -> dict:
    if DutyEntry.objects.filter(property=prop).exists():
        return {"skipped": True}
    roles = _by_role(prop, staff)
    supervisors = roles.get(Role.CS_SUPERVISOR, [])
    desk = [u for r in (Role.FRONT_DESK, Role.CS_ADMIN, Role.CLERK) for u in roles.get(r, [])]
    writers = desk + supervisors
    if not writers:
        return {"skipped": True}
    units = list(Unit.objects.filter(property=prop).values_list("label", "pk")) or [("", None)]
    unit_objs = {u.pk: u for u in Unit.objects.filter(property=prop)}
    locations = list(Location.objects.filter(property=prop))
    now = timezone.now()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    made = {"entries": 0, "reports": 0, "signed": 0, "handovers": 0}
    lent: set[str] = set()  # public-property items out on loan between handovers
    major_days = {days - 3: MAJOR_EVENTS[0], max(days // 2, 1): MAJOR_EVENTS[1]}

    for back in range(days, -1, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, prop.shift_start, tzinfo=tz)
        span = int((datetime.combine(day, prop.shift_end, tzinfo=tz) - start).total_seconds() // 60)
        minutes = sorted(rng.sample(range(5, span - 5), rng.randint(3, 8)))
        for m in minutes:
            at = start + timedelta(minutes=m)
            if at > now:
                break
            category, course, handling, result = rng.choice(ENTRY_TEMPLATES)
            label, unit_pk = rng.choice(units)
            services.duty_entry_create(
                actor=rng.choice(writers),
                prop=prop,
                occurred_at=at,
                category=category,
                course=course.format(unit=label or "某户"),
                handling=handling,
                result=result,
                unit=unit_objs.get(unit_pk) if "{unit}" in course else None,
                location=rng.choice(locations)
                if locations and "{unit}" not in course and rng.random() < 0.5
                else None,
                now=at + timedelta(minutes=10),
            )
            made["entries"] += 1
        if back in major_days and start + timedelta(hours=6) < now:
            made["reports"] += _major(
                prop,
                rng.choice(writers),
                supervisors,
                start + timedelta(hours=6),
                major_days[back],
                back > days // 2,
            )
        if len(desk) >= 2:
            made["handovers"] += _handovers(prop, desk, day, now, rng, lent)
        # R-DUTY-05: the supervisor signs the next morning; the last two past days wait for signature.
        if supervisors and 3 <= back:
            services.duty_day_sign(
                actor=supervisors[0],
                prop=prop,
                day=day,
                comment=rng.choice(["", "已检查。", "已阅,注意跟进报修回访。", "记录完整。"]),
                now=datetime.combine(day + timedelta(days=1), time(9, 10), tzinfo=tz),
            )
            made["signed"] += 1
    return made


def _major(prop, actor, supervisors, at, event, complete: bool) -> int:
    category, course, handling, result, title, losses = event
    entry = services.duty_entry_create(
        actor=actor,
        prop=prop,
        occurred_at=at,
        category=category,
        course=course,
        handling=handling,
        result=result,
        is_major=True,
        now=at + timedelta(minutes=5),
    )
    report = services.special_report_create(
        actor=actor,
        entry=entry,
        title=title,
        details=f"{course}{handling}{result}",
        losses=losses,
        reported_to="管理处经理",
    )
    if complete:  # photo, submitted, acknowledged; the other stays a draft awaiting its photo
        services.special_report_add_photo(
            actor=actor,
            report=report,
            upload=SimpleUploadedFile("现场照片.png", tiny_png(), content_type="image/png"),
        )
        services.special_report_submit(actor=actor, report=report, now=at + timedelta(hours=1))
        if supervisors:
            services.special_report_acknowledge(
                actor=supervisors[0],
                report=report,
                comment="已阅,请工程部出具整改报告。",
                now=at + timedelta(hours=3),
            )
    return 1


def _handovers(prop, desk, day, now, rng, lent: set) -> int:
    """Two handovers a day: day shift → night shift at shift_end, night → day at the next shift_start."""
    made = 0
    for shift in (Shift.DAY, Shift.NIGHT):
        day_idx = (day.toordinal() * 2 + (shift == Shift.NIGHT)) % len(desk)
        outgoing, incoming = desk[day_idx], desk[(day_idx + 1) % len(desk)]
        h0 = shift_window(prop, day, shift)[1]
        if h0 > now:
            break
        handover = services.handover_start(
            actor=outgoing,
            prop=prop,
            incoming=incoming,
            shift_date=day,
            shift=shift,
            now=h0 - timedelta(minutes=6),
        )
        checks = [dict(r, actual=r["expected"]) for r in handover.checks]
        # R-DUTY-09: now and then one item is out (lent to a resident) and comes back the next shift.
        back_in = [r for r in checks if r["item"] in lent]
        for row in back_in:
            row.update(actual=row["expected"] + 1, note="上一班借出的已归还。")
            lent.discard(row["item"])
        if not back_in and rng.random() < 0.15:
            row = rng.choice([r for r in checks if r["expected"] > 1] or checks)
            if row["expected"] > 0:
                row.update(actual=row["expected"] - 1, note="1 件借给业主使用,已登记。")
                lent.add(row["item"])
        follow = rng.choice(["", "跟进 {0} 业主报修回访。", "等待工程部回复电梯维保时间。"])
        anomaly = rng.random() < 0.1
        services.handover_update(
            actor=incoming,
            handover=handover,
            checks=checks,
            follow_ups=follow.format("某户"),
            anomalies="大堂东侧玻璃门闭门器松动。" if anomaly else "",
            anomaly_explanation="已报工程部,明日更换。" if anomaly else "",
        )
        reason = ""
        for _ in range(rng.randint(0, 2)):
            important = rng.random() < 0.3
            item = services.handover_add_item(
                actor=outgoing,
                handover=handover,
                description=rng.choice(
                    ["整理当日访客登记", "通知 12 层业主领取快递", "停水通知未张贴完", "回访 1201 业主"]
                ),
                important=important,
            )
            if important:
                if rng.random() < 0.5:
                    services.handover_item_set_done(actor=outgoing, item=item, done=True)
                else:
                    reason = "业主不在家,无法当面通知。"
        services.handover_hand_over(
            actor=outgoing, handover=handover, unfinished_reason=reason, now=h0 - timedelta(minutes=1)
        )
        services.handover_confirm(actor=incoming, handover=handover, now=h0 + timedelta(minutes=1))
        made += 1
    return made


# --- 《岗位签到表》 (R-DUTY-15/16) -------------------------------------------------------------------------

# name ("{building}" = the lobby's building), department, never empty (R-DUTY-15), staffed at night,
# the roles that usually stand there (anyone else fills in).
POSTS = [
    ("前台", DepartmentKind.CUSTOMER_SERVICE, True, True, (Role.FRONT_DESK, Role.CS_ADMIN, Role.CLERK)),
    ("{building}大堂岗", DepartmentKind.SECURITY, True, True, (Role.GUARD, Role.SEC_SUPERVISOR)),
    ("地下车场岗", DepartmentKind.SECURITY, True, True, (Role.GUARD, Role.SEC_SUPERVISOR, Role.ENGINEER)),
    ("会所岗", DepartmentKind.CUSTOMER_SERVICE, False, False, (Role.CS_ADMIN, Role.CLERK, Role.FRONT_DESK)),
]
MEAL_AT = time(11, 30)
MEAL_BACK = time(12, 10)


def _window_at(prop, at):
    return attendance_window(prop, at - SIGN_IN_EARLY)


def _posts(prop, staff: dict) -> dict | None:
    """Four posts; the current shift on post since its start, the two before signed out at their end
    (each relieved by the next shift's arrival, 5 minutes early); one 前台 meal with the 客服主管's
    approval and a relief. Everything through duty.services, in time order."""
    if Post.objects.filter(property=prop).exists():
        return None
    roles = _by_role(prop, staff)
    leads = roles.get(Role.CS_SUPERVISOR, []) + roles.get(Role.MANAGER, [])
    actor_pool = [
        u for r in (Role.FRONT_DESK, Role.CS_ADMIN, Role.CLERK, Role.CS_SUPERVISOR) for u in roles.get(r, [])
    ]
    if not leads or not actor_pool:
        return None
    desk_clerk = actor_pool[0]
    building = (
        Building.objects.filter(property=prop, code="3").first()
        or Building.objects.filter(property=prop).order_by("code").first()
    )
    depts = {d.kind: d for d in Department.objects.filter(property=prop)}
    posts = []
    for name, dept, never_empty, nights, prefer in POSTS:
        if "{building}" in name:
            if building is None:
                continue
            name = name.format(building=building.name)
        post = services.post_create(
            actor=leads[0],
            prop=prop,
            name=name,
            building=building if "大堂" in name else None,
            department=depts.get(dept),
            never_empty=never_empty,
        )
        posts.append((post, nights, prefer))
    made = {"posts": len(posts), "attendance": 0}

    # Two teams alternate shifts; a team needs one person per post.
    role_of = {u.pk: r for r, users in roles.items() for u in users}
    workers = sorted(
        (u for u in staff.values() if u.pk in role_of and u not in leads), key=lambda u: u.username
    )
    teams: list[dict] = [{}, {}]
    free = list(workers)
    staffed = posts[: len(workers) // 2]  # the posts both teams can fill, in POSTS order
    if not staffed:
        return made
    for team in teams:
        for post, _nights, prefer in staffed:
            pick = next((u for r in prefer for u in free if role_of[u.pk] == r), free[0])
            team[post.pk] = pick
            free.remove(pick)

    now = timezone.now()
    w0 = _window_at(prop, now)
    w1 = _window_at(prop, w0[0] - timedelta(minutes=1))
    w2 = _window_at(prop, w1[0] - timedelta(minutes=1))
    windows = [(w2, teams[0]), (w1, teams[1]), (w0, teams[0])]
    tz = timezone.get_current_timezone()

    def is_day(w) -> bool:
        return timezone.localtime(w[0]).time() == prop.shift_start

    # (at, order, kind, args): sign-ins before sign-outs at the same minute.
    events = []
    for i, (w, team) in enumerate(windows):
        for post, nights, _prefer in posts:
            person = team.get(post.pk)
            if person is None or (not nights and not is_day(w)):
                continue
            events.append((w[0] - timedelta(minutes=5), 0, "in", (post, person, "")))
            if i < len(windows) - 1:
                nxt = windows[i + 1]
                reliever = nxt[1].get(post.pk) if (nights or is_day(nxt[0])) else None
                events.append((w[1], 1, "out", (person, LeaveReason.OFF_DUTY, None, reliever, "")))
    # R-DUTY-15: the latest 前台 lunch already over — the relief signs in first, the supervisor approves.
    front = posts[0][0]
    for w, team in reversed(windows):
        day = timezone.localtime(w[0]).date()
        back = datetime.combine(day, MEAL_BACK, tzinfo=tz)
        if not is_day(w) or back + timedelta(minutes=10) > now or front.pk not in team:
            continue
        person = team[front.pk]
        other = teams[1] if team is teams[0] else teams[0]
        relief = other.get(front.pk)
        if relief is None:
            break
        meal = datetime.combine(day, MEAL_AT, tzinfo=tz)
        events += [
            (meal - timedelta(minutes=5), 0, "in", (front, relief, "用餐顶岗")),
            (meal, 1, "out", (person, LeaveReason.MEAL, leads[0], relief, "")),
            (back, 0, "in", (front, person, "用餐返岗")),
            (
                back + timedelta(minutes=5),
                1,
                "out",
                (relief, LeaveReason.OTHER, leads[0], person, "顶岗结束,原岗人员已返岗"),
            ),
        ]
        break

    on_post: dict[int, object] = {}  # user pk -> open row
    for at, _order, kind, args in sorted(events, key=lambda e: (e[0], e[1])):
        if kind == "in":
            post, person, note = args
            on_post[person.pk] = services.post_sign_in(
                actor=desk_clerk, post=post, staff=person, at=at, note=note
            )
            made["attendance"] += 1
        else:
            person, reason, approver, reliever, note = args
            relief_row = on_post.get(reliever.pk) if reliever is not None else None
            services.post_sign_out(
                actor=desk_clerk,
                shift=on_post.pop(person.pk),
                reason=reason,
                approved_by=approver,
                relieved_by=relief_row,
                note=note,
                at=at,
            )
    return made
