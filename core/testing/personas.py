"""The demo logins as test personas (CONVENTIONS habit 9): two properties, staff in every role.

`build_world()` returns a namespace: p1, p2 (properties), b1 (building of p1), u1..u3 (units of p1),
u_p2 (a unit of p2), and users manager, supervisor, admin1, admin2, frontdesk, clerk, engineer, guard,
frontdesk2 (property 2 only).
"""

from datetime import date
from types import SimpleNamespace

from core import services
from core.choices import PropertyKind, Role, UnitStatus

PASSWORD = "propdesk-demo"

PERSONAS = [
    # username, display name, role, property index
    ("manager", "王经理", Role.MANAGER, 1),
    ("supervisor", "李主管", Role.CS_SUPERVISOR, 1),
    ("admin1", "张管理", Role.CS_ADMIN, 1),
    ("admin2", "赵管理", Role.CS_ADMIN, 1),
    ("frontdesk", "陈前台", Role.FRONT_DESK, 1),
    ("clerk", "周文员", Role.CLERK, 1),
    ("engineer", "刘工", Role.ENGINEER, 1),
    ("guard", "孙保安", Role.GUARD, 1),
    ("frontdesk2", "吴前台", Role.FRONT_DESK, 2),
    ("supervisor2", "郑主管", Role.CS_SUPERVISOR, 2),
]


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.p1 = services.property_create(actor=None, name="翠湖花园", code="cuihu", kind=PropertyKind.RESIDENTIAL)
    w.p2 = services.property_create(actor=None, name="国贸中心大厦", code="guomao", kind=PropertyKind.OFFICE)
    w.b1 = services.building_create(actor=None, prop=w.p1, code="3", floors=18)
    w.b2 = services.building_create(actor=None, prop=w.p2, code="A", floors=30)
    w.u1 = services.unit_create(
        actor=None, building=w.b1, number="1201", floor=12, area="98.50", status=UnitStatus.OCCUPIED
    )
    w.u2 = services.unit_create(actor=None, building=w.b1, number="1202", floor=12, area="120.00")
    w.u3 = services.unit_create(actor=None, building=w.b1, number="0501", floor=5, area="88.00")
    w.u_p2 = services.unit_create(actor=None, building=w.b2, number="2801", floor=28, area="300.00")
    props = {1: w.p1, 2: w.p2}
    for username, name, role, pidx in PERSONAS:
        user = services.staff_create(
            actor=None, username=username, password=PASSWORD, display_name=name, prop=props[pidx], role=role
        )
        setattr(w, username, user)
    w.today = date.today()
    return w
