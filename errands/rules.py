"""Named constants and pure helpers of the errands rules (no database writes here)."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from servicedesk.language import PHONE_HONORIFICS

# --- ticketing -------------------------------------------------------------------------------------------
TICKET_RECONFIRM_BEFORE = timedelta(hours=24)  # R-TIX-06

# --- errands ---------------------------------------------------------------------------------------------
# R-ERR-01: the value-added services offered as information and help.
VALUE_ADDED_SERVICES = (
    "优秀设计装饰公司",
    "优质办公家具公司",
    "洗车服务",
    "裁缝制衣",
    "法律咨询/专业律师",
    "办公用品采买",
    "名片印刷",
    "邮政速递",
    "机票/火车票订购",
    "鲜花/绿植",
    "洗衣",
    "预约出租车/车辆租赁",
    "外文翻译",
    "旅游服务",
    "安排会议场地",
    "展览展示场地有偿提供",
    "意外伤害的紧急救助",
    "照片冲洗",
    "电话簿",
    "清洗饮水机",
    "回收废旧物资",
)
# R-ERR-07 / R-ERR-08 (recommended reading): food, medicine and anything taken by mouth is never bought.
INGESTIBLE_TERMS = (
    "食品",
    "食物",
    "零食",
    "水果",
    "蔬菜",
    "肉",
    "蛋",
    "奶",
    "面包",
    "蛋糕",
    "饼干",
    "糖",
    "巧克力",
    "饮料",
    "饮品",
    "酒",
    "茶叶",
    "咖啡",
    "矿泉水",
    "米",
    "面粉",
    "食用油",
    "调料",
    "保健品",
    "营养品",
    "药",
    "胶囊",
    "口服液",
    "维生素",
    "外卖",
    "便当",
    "快餐",
)
INGESTIBLE_MESSAGE = (
    "食品、药品等入口物品不代购,请业主自行购买(R-ERR-07)。"
    "(Food, medicine and anything taken by mouth is not bought on the owner's behalf.)"
)


def is_ingestible(*texts: str) -> bool:
    joined = " ".join(t or "" for t in texts)
    return any(term in joined for term in INGESTIBLE_TERMS)


# --- laundry ---------------------------------------------------------------------------------------------
LAUNDRY_ROUND_MORNING = time(9, 30)  # R-LAUN-06
LAUNDRY_ROUND_EVENING = time(17, 30)  # R-LAUN-06 / R-LAUN-07 (the daily return also comes at 17:30)
LAUNDRY_ROUNDS = (LAUNDRY_ROUND_MORNING, LAUNDRY_ROUND_EVENING)
LAUNDRY_RETURN_AT = time(17, 30)  # R-LAUN-07
LAUNDRY_SUFFIX = {"dry": "D", "wet": "L"}  # R-LAUN-03
COUNT_RE = re.compile(r"^\s*(\d{1,3})\s*([DdLl])\s*$")


def count_label(kind: str, pieces: int) -> str:
    """R-LAUN-03: a dry slip with 3 garments is "3D", a wet slip with 2 garments "2L"."""
    return f"{int(pieces)}{LAUNDRY_SUFFIX[kind]}"


def parse_count(text: str) -> tuple[int, str]:
    """ "3D" → (3, "dry"), "2L" → (2, "wet"); ValueError otherwise."""
    m = COUNT_RE.match(text or "")
    if not m or int(m.group(1)) < 1:
        raise ValueError(text)
    return int(m.group(1)), "dry" if m.group(2).upper() == "D" else "wet"


def slot_label(t: time) -> str:
    return f"{t:%H:%M}"


def round_slot(value) -> time:
    """A collection round by its label ("09:30"/"9:30"/"17:30"); ValueError if it is not one."""
    if isinstance(value, time):
        t = value
    else:
        h, m = str(value).strip().split(":")
        t = time(int(h), int(m))
    if t not in LAUNDRY_ROUNDS:
        raise ValueError(value)
    return t


def laundry_due_back(day: date, slot: time, tz=None) -> datetime:
    """R-LAUN-08 reading A: the 9:30 round comes back at 17:30 the same day; the 17:30 round at 17:30
    the next day."""
    tz = tz or timezone.get_current_timezone()
    back_day = day if slot == LAUNDRY_ROUND_MORNING else day + timedelta(days=1)
    return datetime.combine(back_day, LAUNDRY_RETURN_AT, tzinfo=tz)


def next_round(now: datetime) -> tuple[date, time]:
    """The round a slip handed in at `now` goes out with."""
    local = timezone.localtime(now)
    for slot in LAUNDRY_ROUNDS:
        if local.time() <= slot:
            return local.date(), slot
    return local.date() + timedelta(days=1), LAUNDRY_ROUND_MORNING


# --- petty cash ------------------------------------------------------------------------------------------
PETTY_CASH_MAX_PER_USE = Decimal("50.00")  # R-CASH-04
PETTY_CASH_LOW_BALANCE = Decimal("100.00")  # R-CASH-06
PETTY_CASH_MIN_TOPUP = Decimal("200.00")  # R-CASH-06

# --- phone -----------------------------------------------------------------------------------------------
PHONE_FINISH_SECONDS = 20  # R-TEL-04: not finished within 20 s → offer to call back
# R-TEL-04 INTERPRETATION: the call-back is due within 2 hours by default (规则参数 errands.phone_callback_within).
PHONE_CALLBACK_WITHIN = timedelta(hours=2)  # R-TEL-04

# R-TEL-01..08 and R-LANG-09/10: the guidance shown next to the phone log (conduct rules: shown, not checked).
PHONE_GUIDANCE = (
    ("R-TEL-01", "铃响三声内接听电话。"),
    ("R-TEL-02", "使用标准问候语接听(见上方问候语)。"),
    ("R-TEL-03", "来电人未讲话前不要请其等候;需要等候时先说“请稍等”,并切换到保留(静音)状态。"),
    ("R-TEL-04", "需要查询资料或 20 秒内不能办完的,主动提出稍后覆电,并记下来电号码。"),
    ("R-TEL-05", "不得无故拒接或筛选来电。"),
    ("R-TEL-06", "属于其他部门的事项,礼貌告知后主动转接。"),
    ("R-TEL-07", "结束前询问“请问还有什么需要帮忙的吗?”并致谢。"),
    ("R-TEL-08", "待来电人先挂断电话后再挂机。"),
    ("R-LANG-10", f"电话敬语:{PHONE_HONORIFICS}。"),
)


def phone_greeting(prop, now: datetime | None = None) -> tuple[str, str]:
    """R-TEL-02 / R-LANG-09 (recommended reading): "您好, + <office name>"; English by time of day."""
    hour = timezone.localtime(now or timezone.now()).hour
    part = "Good morning" if hour < 12 else ("Good afternoon" if hour < 18 else "Good evening")
    return f"您好,{prop.name}物业服务中心。", f"{part}, Property office, may I help you?"
