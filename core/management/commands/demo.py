"""`propdesk demo` — the demo office: a residential estate and an office tower (~1,000 units), staff in
every role with the fixed demo logins, residents, a few weeks of duty log.

--if-empty   load only when there is no property yet (what `make run` uses)
--scale N    also load N residents in bulk (benchmarks: `--scale 150000`)
"""

import inspect
import random
import time
from decimal import Decimal
from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from core import services
from core.choices import LocationKind, PropertyKind, Role, UnitStatus
from core.models import Building, Location, Property, Unit

PASSWORD = "propdesk-demo"

# username, display name, role, property code. The first seven are the README's demo logins.
STAFF = [
    ("manager", "王建国", Role.MANAGER, "cuihu"),
    ("supervisor", "李秀梅", Role.CS_SUPERVISOR, "cuihu"),
    ("admin1", "张丽华", Role.CS_ADMIN, "cuihu"),
    ("frontdesk", "陈静", Role.FRONT_DESK, "cuihu"),
    ("engineer", "刘志强", Role.ENGINEER, "cuihu"),
    ("guard", "孙海涛", Role.GUARD, "cuihu"),
    ("frontdesk2", "吴晓燕", Role.FRONT_DESK, "guomao"),
    ("admin2", "赵敏", Role.CS_ADMIN, "cuihu"),
    ("admin3", "钱芳", Role.CS_ADMIN, "cuihu"),
    ("frontdesk3", "黄雪", Role.FRONT_DESK, "cuihu"),
    ("clerk", "周婷", Role.CLERK, "cuihu"),
    ("finance", "郭会计", Role.FINANCE, "cuihu"),
    ("engsup", "马工", Role.ENG_SUPERVISOR, "cuihu"),
    ("secsup", "何队长", Role.SEC_SUPERVISOR, "cuihu"),
    ("manager2", "林志远", Role.MANAGER, "guomao"),
    ("supervisor2", "郑佳", Role.CS_SUPERVISOR, "guomao"),
    ("admin21", "冯磊", Role.CS_ADMIN, "guomao"),
    ("engineer2", "蒋工", Role.ENGINEER, "guomao"),
    ("guard2", "韩勇", Role.GUARD, "guomao"),
]

PROPERTIES = [
    # code, name, kind, address, buildings (code, floors, units per floor)
    (
        "cuihu",
        "翠湖花园",
        PropertyKind.RESIDENTIAL,
        "深圳市南山区翠湖路88号",
        [(str(n), 18, 4) for n in range(1, 11)],
    ),
    (
        "guomao",
        "国贸中心大厦",
        PropertyKind.OFFICE,
        "深圳市福田区深南大道2008号",
        [("A", 30, 5), ("B", 30, 5)],
    ),
]

LOCATIONS = {
    PropertyKind.RESIDENTIAL: [
        (LocationKind.PUBLIC_AREA, n) for n in ("南门大堂", "地下车库B1", "中心花园", "儿童游乐区", "垃圾站")
    ]
    + [(LocationKind.CLUBHOUSE, n) for n in ("会所泳池", "会所健身房", "会所多功能厅")],
    PropertyKind.OFFICE: [
        (LocationKind.PUBLIC_AREA, n) for n in ("首层大堂", "电梯厅", "地下停车场", "空中花园")
    ]
    + [(LocationKind.CLUBHOUSE, "商务会所")],
}


def demo_modules():
    """Every installed area with a demo.py, in INSTALLED_APPS order (residents before the areas that use
    them). Each has load(*, prop, staff, rng, units, …) and takes the arguments it names."""
    from importlib.util import find_spec

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("django") or "." in config.name or not find_spec(f"{config.name}.demo"):
            continue
        yield config.name, import_module(f"{config.name}.demo")


class Command(BaseCommand):
    help = "Load the PropDesk demo office (fixed demo logins, password propdesk-demo)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="only when no property exists yet")
        parser.add_argument("--scale", type=int, default=None, help="also bulk-load this many residents")
        parser.add_argument("--seed", type=int, default=20261127)

    def handle(self, *args, if_empty=False, scale=None, seed=20261127, **opts):
        if if_empty and Property.objects.exists():
            self.stdout.write("Demo data already loaded — keeping the data.")
            return
        if Property.objects.filter(code__in=[p[0] for p in PROPERTIES]).exists():
            self.stderr.write("Demo properties exist already; use a fresh database.")
            return
        t0 = time.monotonic()
        rng = random.Random(seed)
        from datetime import date

        year = date.today().year
        services.calendar_seed(years=[year - 1, year, year + 1])
        props = {}
        with transaction.atomic():
            for code, name, kind, address, buildings in PROPERTIES:
                prop = services.property_create(
                    actor=None,
                    name=name,
                    code=code,
                    kind=kind,
                    address=address,
                    phone="0755-8888" + str(rng.randint(1000, 9999)),
                )
                props[code] = prop
                self._places(prop, buildings, rng)
            staff_by_prop = {code: {} for code in props}
            for username, display, role, code in STAFF:
                user = services.staff_create(
                    actor=None,
                    username=username,
                    password=PASSWORD,
                    display_name=display,
                    prop=props[code],
                    role=role,
                    phone=f"139{rng.randint(10000000, 99999999)}",
                )
                staff_by_prop[code][username] = user
        self.stdout.write(f"Properties, {Unit.objects.count()} units and {len(STAFF)} staff loaded.")
        for app, module in demo_modules():
            accepted = inspect.signature(module.load).parameters
            for code, prop in props.items():
                units = list(Unit.objects.filter(property=prop).select_related("building"))
                offered = {"prop": prop, "staff": staff_by_prop[code], "rng": rng, "units": units}
                kwargs = {k: v for k, v in offered.items() if k in accepted}
                with transaction.atomic():
                    module.load(**kwargs)
            self.stdout.write(f"{app}: demo data loaded.")
        if scale:
            self._scale(props["cuihu"], staff_by_prop["cuihu"], scale, rng)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded in {time.monotonic() - t0:.1f}s."))

    def _places(self, prop, buildings, rng):
        units = []
        for code, floors, per_floor in buildings:
            b = services.building_create(
                actor=None,
                prop=prop,
                code=code,
                name=f"{code}栋" if prop.kind == PropertyKind.RESIDENTIAL else f"{code}座",
                floors=floors,
                entrances=2 if prop.kind == PropertyKind.RESIDENTIAL else 1,
            )
            for floor in range(1, floors + 1):
                for n in range(1, per_floor + 1):
                    area = (
                        Decimal(rng.choice([68, 89, 98, 120, 143]))
                        if prop.kind == PropertyKind.RESIDENTIAL
                        else Decimal(rng.choice([120, 180, 260, 420]))
                    )
                    status = rng.choices(
                        [UnitStatus.OCCUPIED, UnitStatus.LEASED, UnitStatus.VACANT, UnitStatus.RENOVATING],
                        weights=[70, 15, 10, 5],
                    )[0]
                    units.append(
                        Unit(
                            property=prop,
                            building=b,
                            number=f"{floor:02d}{n:02d}",
                            floor=floor,
                            area=area,
                            status=status,
                            entrance=str(1 + (n - 1) * 2 // per_floor),
                            label=f"{code}-{floor:02d}{n:02d}",
                        )
                    )
        # Bulk: ~1,000 rows of master data created by the system itself (no actor, no per-row history).
        Unit.objects.bulk_create(units, batch_size=1000)
        for kind, name in LOCATIONS[prop.kind]:
            services.location_save(actor=None, location=Location(property=prop, kind=kind, name=name))

    def _scale(self, prop, staff, scale, rng):
        """Benchmark data: N residents over extra buildings (about 2.5 residents a unit)."""
        t0 = time.monotonic()
        n_units = max(scale * 2 // 5, 1)
        units, buildings, b_index = [], [], 100
        while len(units) < n_units:
            b = Building.objects.create(property=prop, code=str(b_index), name=f"{b_index}栋", floors=30)
            buildings.append(b)
            for floor in range(1, 31):
                for n in range(1, 11):
                    units.append(
                        Unit(
                            property=prop,
                            building=b,
                            number=f"{floor:02d}{n:02d}",
                            floor=floor,
                            area=Decimal(89),
                            status=UnitStatus.OCCUPIED,
                            label=f"{b_index}-{floor:02d}{n:02d}",
                        )
                    )
            b_index += 1
            if len(units) >= n_units:
                break
        Unit.objects.bulk_create(units[:n_units], batch_size=2000)
        units = list(Unit.objects.filter(building__in=buildings).select_related("building"))
        import_module("residents.demo").load(prop=prop, units=units, staff=staff, rng=rng, scale=scale)
        self.stdout.write(
            f"Scale: {scale} residents over {len(units)} units in {time.monotonic() - t0:.1f}s."
        )
